"""Keep the index of signed-in sessions (`SignedInSession`) true, and end a deactivated
user's sessions the moment they are deactivated.

Connected in `CasesConfig.ready`. A deactivation through a queryset `.update()`
sends no signal; such a user is still refused on their next request, because
Django's authentication backend treats an inactive user as signed out.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from cases import services
from cases.models import User


@receiver(user_logged_in, dispatch_uid="cases_signed_in_session_record")
def record_signed_in_session(sender, request, user, **kwargs):
    session = request.session
    if session.session_key is None:
        session.save()
    services.signed_in_session_record(user=user, session_key=session.session_key, at=timezone.now())


@receiver(user_logged_out, dispatch_uid="cases_signed_in_session_forget")
def forget_signed_in_session(sender, request, user, **kwargs):
    if request.session.session_key:
        services.signed_in_session_forget(session_key=request.session.session_key)


@receiver(post_save, sender=User, dispatch_uid="cases_deactivated_user_signed_out")
def end_sessions_of_deactivated_user(sender, instance: User, created: bool, **kwargs):
    if not created and not instance.is_active:
        services.user_sessions_end(user=instance)
