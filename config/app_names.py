"""Apps from libraries, under the names the admin shows for them.

Their own names are package names ("Axes", "Otp_Totp"), which the admin
capitalises; an administrator reads plain words instead. Listed in
`INSTALLED_APPS` in place of the libraries' own configurations. (Not in
`config/apps.py`, where a second configuration would change which one
`"config"` names.)
"""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig


class LanternAdminConfig(AdminConfig):
    default = False
    default_site = "web.admin_site.LanternAdminSite"


class SignInLockoutsConfig(AxesAppConfig):
    default = False
    verbose_name = "Sign-in lockouts"


class AuthenticatorAppsConfig(TotpAppConfig):
    default = False
    verbose_name = "Authenticator apps"
