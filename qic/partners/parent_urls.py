"""The parent pages' addresses (joined in qic.partners.urls)."""

from django.urls import URLPattern, URLResolver, path

from qic.partners import parent_link_views, parent_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("link/family/<str:token>/", parent_link_views.parent_home, name="parent_home"),
    # Staff: one learner's parents and carers and their careers links.
    path("providers/<int:urn>/learners/<int:pk>/parents/", parent_views.learner_parents, name="learner_parents"),
    path(
        "providers/<int:urn>/learners/<int:pk>/parents/<int:contact_pk>/edit/",
        parent_views.parent_contact_edit,
        name="parent_contact_edit",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/parents/<int:contact_pk>/remove/",
        parent_views.parent_contact_remove,
        name="parent_contact_remove",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/parents/<int:contact_pk>/send/",
        parent_views.parent_link_send,
        name="parent_link_send",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/parents/links/<int:link_pk>/resend/",
        parent_views.parent_link_resend,
        name="parent_link_resend",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/parents/links/<int:link_pk>/withdraw/",
        parent_views.parent_link_withdraw,
        name="parent_link_withdraw",
    ),
    # Staff: all parents and carers, the figures, sending to a group, what their page says.
    path("providers/<int:urn>/parents/", parent_views.parent_overview, name="parent_overview"),
    path("providers/<int:urn>/parents/send/", parent_views.parent_group_send, name="parent_group_send"),
    path("providers/<int:urn>/parents/settings/", parent_views.parent_settings, name="parent_settings"),
    # Staff: who came to a parents' careers event.
    path("providers/<int:urn>/activities/<int:pk>/parents/", parent_views.parent_attendance, name="parent_attendance"),
]
