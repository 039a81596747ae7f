import pytest
from django.core import mail
from organizations.models import Membership
@pytest.mark.django_db
def test_show(client, facilitator, manager_a, staff_a):
    client.force_login(facilitator)
    m = Membership.objects.get(user=manager_a)
    r = client.post(f"/staff/team/{m.pk}/?org=org-a", {"role": "staff"})
    html = r.content.decode(); print(html[html.index("<main"):])
    client.force_login(manager_a)
    client.post("/staff/team/invite/", {"email": "x@example.org", "full_name": "O'Brien & Co", "role": "staff"})
    print(mail.outbox[0].subject); print(mail.outbox[0].body)
    r = client.get("/staff/team/"); html = r.content.decode(); print(html[html.index("<main"):])
    r = client.post("/staff/team/invite/", {"email": "bad", "full_name": "", "role": "staff"}); html = r.content.decode(); print(html[html.index("<main"):html.index("<form")])
