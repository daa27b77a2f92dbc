"""Send one invitation link by e-mail. The address is used for this message only."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage


class MailNotConfigured(RuntimeError):
    pass


def send_link(config, address: str, url: str) -> None:
    """Send the link in Swedish and English. Neither address nor link is logged or stored."""
    if not config.get("SMTP_HOST") or not config.get("SMTP_FROM"):
        raise MailNotConfigured("SMTP_HOST and SMTP_FROM are not set")
    message = EmailMessage()
    message["From"] = config["SMTP_FROM"]
    message["To"] = address
    message["Subject"] = "Enkät till dig som slutar / Survey for you who are leaving"
    message.set_content(
        "Hej!\n\nDu slutar snart hos oss. Berätta gärna hur du har haft det i en anonym enkät "
        f"som tar ungefär fem minuter:\n\n{url}\n\nLänken fungerar en gång. Dina svar kan inte "
        "kopplas till dig.\n\n---\n\nHello,\n\nYou are leaving us soon. Please tell us how things "
        f"have been in an anonymous survey that takes about five minutes:\n\n{url}\n\n"
        "The link works once. Your answers cannot be linked to you.\n")
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
        if config.get("SMTP_STARTTLS", True):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
