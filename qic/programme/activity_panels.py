"""Parts of the activity page that apps above programme add (programme may not import them).

An app registers a panel from its `AppConfig.ready()`: a function of the request, the activity and
whether the viewer may record the programme, returning the panel's HTML ("" for none). The activity
page shows them in the order registered, after the activity's summary. Each panel keeps its own
query count fixed; the page's is then fixed too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from qic.programme.models import Activity

Panel = Callable[[HttpRequest, Activity, bool], str]

# Name -> panel, in the order registered (registering a name again replaces it).
PANELS: dict[str, Panel] = {}


def register_panel(name: str, panel: Panel) -> None:
    PANELS[name] = panel


def render_panels(request: HttpRequest, activity: Activity, can_record: bool) -> list[SafeString]:
    """Every registered panel's HTML for this activity, leaving out the empty ones."""
    shown = (panel(request, activity, can_record) for panel in PANELS.values())
    return [SafeString(html) for html in shown if html]
