"""Who may open a staff screen about one page, and the one answer for those who may not.

Wagtail's admin URLs already require an admin login. A staff screen about one
page (a report, an export, the deliveries, a take-down) also requires a
permission on that page, because it shows or changes what only its editors
may: signers' and fundraisers' names and emails. `page_editors_only` fetches
the page and checks that the user may edit it; `forbidden` is the one refusal,
a 403 in the admin's layout that says which permission is missing, so staff
know whom to ask (Wagtail's own denial redirects to the dashboard with a
generic message, which reads as a broken link).
"""

from functools import wraps

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse


def forbidden(request, message: str):
    """403, in the admin's layout, saying `message` ("You need permission to edit this
    petition to see its signatures.")."""
    response = TemplateResponse(
        request, "northstar/admin/forbidden.html", {"message": message}, status=403
    )
    return response.render()


def editable_page(request, model, page_id):
    """The `model` page `page_id` (a Wagtail page class or a queryset of one), or None if
    `request.user` may not edit it. Raises Http404 if there is no such page of that type."""
    page = get_object_or_404(model, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        return None
    return page


def page_editors_only(model, refusal: str):
    """Decorate a staff view of one page: the URL's `page_id` becomes the page itself (of
    `model`, 404 if there is none), passed as the view's second argument; a user who may
    not edit it is refused (`forbidden`, saying `refusal`) before the view runs."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, page_id, **kwargs):
            page = editable_page(request, model, page_id)
            if page is None:
                return forbidden(request, refusal)
            return view(request, page, *args, **kwargs)

        return wrapped

    return decorator
