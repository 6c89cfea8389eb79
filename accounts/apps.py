from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and agencies")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from .browser_sessions import browser_session_login, browser_sessions_end_on_password_change
        from .lockout import remember_locked_address
        from .sessions import session_lifetime_start
        from .signals import password_changed
        from .tokens import revoke_tokens_on_password_change

        user_logged_in.connect(session_lifetime_start, dispatch_uid="accounts.session_lifetime_start")
        user_logged_in.connect(browser_session_login, dispatch_uid="accounts.browser_session_login")
        user_locked_out.connect(remember_locked_address, dispatch_uid="accounts.remember_locked_address")
        password_changed.connect(revoke_tokens_on_password_change, dispatch_uid="accounts.revoke_tokens")
        password_changed.connect(browser_sessions_end_on_password_change, dispatch_uid="accounts.end_browser_sessions")

        from audit.scope import set_scope_resolver

        from .audit_scope import audit_scope_for

        set_scope_resolver(audit_scope_for)
