"""The pages that bring the layers together, at the paths and URL names they have always had.

Included at the root by `config.urls`, without a namespace, so `reverse("caseload", ...)`
and every template's `{% url %}` keep working unchanged.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from web import signin_views, views
from web.assessment_views import risk_assessment_detail

person = "people/<uuid:external_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", signin_views.second_factor, name="second_factor"),
    path("caseload/<str:scope>/", views.caseload, name="caseload"),
    path(person, views.person_detail, name="person_detail"),
    path(person + "access/", views.person_access_report, name="person_access_report"),
    path(person + "access.csv", views.person_access_report_csv, name="person_access_report_csv"),
    path(person + "risk-assessment/", risk_assessment_detail, name="risk_assessment_detail"),
    path("audit/access/", views.access_report_search, name="access_report_search"),
]
