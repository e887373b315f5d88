from django.urls import path

from qic.accreditation import views

app_name = "accreditation"

ROUND = "providers/<int:urn>/accreditation/<int:pk>/"

urlpatterns = [
    path("accreditation/", views.dashboard, name="accreditation_dashboard"),
    path("providers/<int:urn>/accreditation/", views.overview, name="accreditation_overview"),
    path("providers/<int:urn>/accreditation/commitment/", views.commitment_request, name="commitment_request"),
    path("providers/<int:urn>/recognition/new/", views.recognition_create, name="recognition_create"),
    path(ROUND, views.round_detail, name="accreditation_round"),
    path(ROUND + "criteria/<str:code>/", views.criterion_detail, name="accreditation_criterion"),
    path(ROUND + "documents/new/", views.evidence_upload, name="evidence_upload"),
    path(ROUND + "documents/<int:doc>/", views.evidence_download, name="evidence_download"),
    path(ROUND + "documents/<int:doc>/remove/", views.evidence_remove, name="evidence_remove"),
    path(ROUND + "steps/<slug:step>/", views.round_step, name="accreditation_step"),
    path(ROUND + "reaccreditation/", views.reaccreditation_start, name="reaccreditation_start"),
    path(ROUND + "assess/summary/", views.assess_summary, name="assess_summary"),
    path(ROUND + "assess/<int:number>/", views.assess_section, name="assess_section"),
    path(ROUND + "conversations/", views.conversations, name="assessment_conversations"),
    path(ROUND + "issued/<int:doc>/", views.issued_document, name="issued_document"),
    path(ROUND + "issued/<int:doc>/pdf/", views.issued_document_pdf, name="issued_document_pdf"),
    path(ROUND + "issued/<int:doc>/correct/", views.issued_document_correct, name="issued_document_correct"),
    path(ROUND + "reviews/<int:number>/", views.review, name="annual_review"),
]
