"""Every way to log in goes through allauth's rate-limited login: the staff login included."""

from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from allauth.account.models import EmailAddress

from northstar.models import User
from tests.site.factories import StaffUserFactory

PASSWORD = "correct horse battery staple"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture
def staff(db):
    user = StaffUserFactory(email="staff@northstar.test")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def logged_in(client):
    return "_auth_user_id" in client.session


def allauth_login(client, password, next_url=None):
    data = {"login": "staff@northstar.test", "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def test_the_admin_login_sends_staff_to_the_sites_login_keeping_where_they_were_going(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_the_admin_sends_a_visitor_who_is_not_logged_in_to_the_sites_login(client, home_page):
    response = client.get("/admin/", follow=True)
    assert unquote(response.redirect_chain[-1][0]) == "/accounts/login/?next=/admin/"
    assert 'name="next" value="/admin/"' in response.content.decode()


def test_the_right_password_posted_to_the_admin_login_does_not_log_in(client, staff):
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not logged_in(client)


def test_wrong_passwords_posted_to_the_admin_login_are_not_checked(client, staff):
    for attempt in range(50):
        client.post("/admin/login/", {"username": staff.email, "password": f"guess {attempt}"})
    # Nothing was counted against the account either: its owner still logs in.
    assert allauth_login(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_after_too_many_wrong_passwords_the_right_one_is_refused_on_every_login(client, staff):
    for attempt in range(5):
        allauth_login(client, f"guess {attempt}")

    response = allauth_login(client, PASSWORD)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    for url in ("/admin/login/", "/_util/login/"):
        response = client.post(url, {"username": staff.email, "password": PASSWORD}, follow=True)
        assert not logged_in(client)
    assert not logged_in(client)


def test_staff_who_log_in_at_the_sites_login_go_back_to_the_admin(client, staff, home_page):
    response = allauth_login(client, PASSWORD, next_url="/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "Dashboard" in dashboard.content.decode()


def test_wagtails_password_reset_sends_staff_to_the_sites_password_reset(client, staff):
    response = client.post("/admin/password_reset/", {"email": staff.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/"
    confirm = client.get("/admin/password_reset/confirm/MQ/set-password/")
    assert confirm["Location"] == "/accounts/password/reset/"


def test_a_superuser_made_at_the_command_line_can_log_in_at_the_sites_login(client, db):
    User.objects.create_superuser("operator@northstar.test", PASSWORD)
    response = client.post(
        "/accounts/login/", {"login": "operator@northstar.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert logged_in(client)


def loaded_urls(html):
    """The URLs a browser fetches on its own for `html`: src, srcset, and <link href>."""

    class Collector(HTMLParser):
        def __init__(self):
            super().__init__()
            self.urls = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            for name in ("src", "data-src", "poster"):
                if attrs.get(name):
                    self.urls.append(attrs[name])
            for candidate in (attrs.get("srcset") or "").split(","):
                if candidate.strip():
                    self.urls.append(candidate.split()[0])
            if tag == "link" and attrs.get("href"):
                self.urls.append(attrs["href"])

    collector = Collector()
    collector.feed(html)
    return collector.urls


def test_admin_pages_load_no_avatar_or_anything_else_from_another_site(client, staff, home_page):
    client.force_login(staff)
    for url in ("/admin/", "/admin/account/", "/admin/users/"):
        html = client.get(url).content.decode()
        assert "gravatar" not in html
        loaded = loaded_urls(html)
        assert loaded, url
        assert [u for u in loaded if urlsplit(u).netloc not in ("", "testserver")] == []


def test_the_demo_staff_account_of_an_older_database_can_log_in_at_the_sites_login(client, db):
    from northstar.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, load_staff_user

    # Made before staff logged in through allauth: no verified address.
    StaffUserFactory(email=DEMO_STAFF_EMAIL, password=DEMO_STAFF_PASSWORD)
    load_staff_user()

    response = client.post(
        "/accounts/login/", {"login": DEMO_STAFF_EMAIL, "password": DEMO_STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert logged_in(client)


def login_through_the_load_balancer(client, email, password, forwarded_for):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_failed_logins_from_other_clients_behind_the_load_balancer_lock_nobody_else_out(
    client, staff, settings
):
    # allauth allows 10 failed logins a minute per address: each client has its own count.
    settings.NUM_PROXIES = 1
    for n in range(11):
        login_through_the_load_balancer(client, f"nobody{n}@example.org", "guess", f"203.0.113.{n}")

    response = login_through_the_load_balancer(client, staff.email, PASSWORD, "198.51.100.7")

    assert response.status_code == 302
    assert logged_in(client)


def test_failed_logins_from_one_client_behind_the_load_balancer_lock_that_client_out(
    client, staff, settings
):
    settings.NUM_PROXIES = 1
    for n in range(11):
        # Each time with another address of its own in front: the load balancer's entry counts.
        login_through_the_load_balancer(
            client, f"nobody{n}@example.org", "guess", f"192.0.2.{n}, 198.51.100.7"
        )

    response = login_through_the_load_balancer(client, staff.email, PASSWORD, "198.51.100.7")

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)
