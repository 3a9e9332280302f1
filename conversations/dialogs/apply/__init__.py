"""Applying to the scheme and being selected, each dialog built from the dialog kit:
:mod:`.form` (the application, "apply"), :mod:`.preferences` (a selected mentee's top three
mentors) and :mod:`.selection` (the steering group's anonymised review and decisions).
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
