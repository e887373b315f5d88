from django.urls import path

from qic.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("providers/<int:urn>/benchmarks/", views.benchmark_dashboard, name="benchmark_dashboard"),
]
