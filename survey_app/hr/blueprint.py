"""The HR blueprint; its routes live in accounts.py and invitations_views.py."""

from flask import Blueprint

bp = Blueprint("hr", __name__, url_prefix="/hr", template_folder="templates")
