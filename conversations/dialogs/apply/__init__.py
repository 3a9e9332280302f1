"""Applying to the scheme and being selected, from the mentee's form to the steering group's
decision. Each dialog is built from the dialog kit (``conversations.dialogs.kit``):

- :mod:`.form`: the application form ("apply"), kept as a draft until *submit*.
- :mod:`.preferences`: a selected mentee's top three mentors ("choose my mentor").
- :mod:`.selection`: the steering group's anonymised review, the chair's and the moderator's
  decisions, and the selection status.
"""

from conversations.dialogs.apply.form import BY_KEY, ApplyDialog, lead_contact
from conversations.dialogs.apply.preferences import PreferencesDialog
from conversations.dialogs.base import Registry
from conversations.intents import IntentName

__all__ = ["BY_KEY", "ApplyDialog", "PreferencesDialog", "lead_contact", "register"]


def register(registry: Registry) -> None:
    """Wire the application's intents, dialogs and button routes into ``registry``."""
    registry.add_dialog(ApplyDialog(), IntentName.APPLY)
    registry.add_dialog(PreferencesDialog(), IntentName.PREFERENCES)
    # "Show my application" on a reply given outside the dialog.
    registry.action_routes["application"] = IntentName.APPLY
