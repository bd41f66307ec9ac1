"""The petitions app in the Wagtail admin."""

from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Target


class TargetFilterSet(WagtailFilterSet):
    class Meta:
        model = Target
        fields = ["group", "active"]


class TargetViewSet(SnippetViewSet):
    model = Target
    icon = "user"
    menu_label = "Decision makers"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["jurisdiction", "jurisdiction_name", "name", "email", "active"]
    list_per_page = 60
    filterset_class = TargetFilterSet
    search_fields = ["name", "office", "jurisdiction"]


register_snippet(TargetViewSet)
