"""The start page: shows each signed-in role what it can do."""

from flask import Blueprint, g, redirect, render_template, url_for

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/")
def index():
    if g.get("user") is None:
        return redirect(url_for("auth.login"))
    return render_template("home/index.html", tasks=tasks_for(g.user))


def tasks_for(user) -> list[dict]:
    """The start page's cards, one per thing the user's roles allow."""
    from flask_babel import lazy_gettext as _l

    cards = []
    if user.has_role("hr_admin", "hr_analyst"):
        cards.append({"title": _l("Organisationen"), "endpoint": "org.tree",
                      "text": _l("Förvaltningar och enheter som resultaten redovisas för.")})
    if user.has_role("manager", "hr_admin"):
        cards.append({"title": _l("Mina enheter"), "endpoint": "org.my_units",
                      "text": _l("Enheterna du är chef för, med underliggande enheter.")})
    if user.has_role("hr_admin"):
        cards.append({"title": _l("Inbjudningar till avgångsenkäten"),
                      "endpoint": "hr.invitations",
                      "text": _l("Skapa engångslänkar och QR-koder för dem som slutar.")})
        cards.append({"title": _l("Användare och roller"), "endpoint": "hr.users",
                      "text": _l("Ge chefer och HR tillgång, och ta bort den.")})
        cards.append({"title": _l("Säkerhetslogg"), "endpoint": "hr.audit_log",
                      "text": _l("Inloggningar, rolländringar och exporter.")})
    return cards
