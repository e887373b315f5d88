from django.urls import path

from qic.frameworks import views

app_name = "framework"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.edition_detail, name="edition"),
    path("<slug:code>/sections/<int:number>/", views.section_detail, name="section"),
]
