"""Sending e-mail over SMTP (standard library): STARTTLS or TLS, login, and errors that say
which part failed. The password comes from the environment only and is never shown."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType
from typing import TYPE_CHECKING

from fvmcli.errors import EnvironmentProblem, InputError
from fvmcli.i18n import _

if TYPE_CHECKING:
    import smtplib

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORT = {"starttls": 587, "tls": 465, "none": 25}
PASSWORD_VARIABLE = "FVM_SMTP_PASSWORD"


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: server, port, security, login, and the From address."""

    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None
    timeout: float = 30.0  # for each read and write
    deadline: float = 120.0  # for connecting (with EHLO and login), and again for each message


def smtp_settings(
    host: str | None,
    port: int | None,
    security: str | None,
    sender: str | None,
    user: str | None = None,
    cafile: str | None = None,
    environ: Mapping[str, str] = os.environ,
    deadline: str | None = None,
) -> SmtpSettings:
    """Return the settings from the options (each of which may come from an ``FVM_SMTP_*``
    variable) and the password from ``FVM_SMTP_PASSWORD``; refuse what cannot work. The
    ``deadline`` of connecting and of each message, in seconds, is ``FVM_SMTP_DEADLINE``'s
    unless given."""
    from fvmcli.core.values import email_problem

    if not host:
        raise InputError(
            _("no SMTP server: give --smtp-host or set FVM_SMTP_HOST"),
            hint=_("Or write the messages to a folder with --dry-run -o FOLDER."),
        )
    chosen = (security or "starttls").lower()
    if chosen not in SECURITY:
        raise InputError(
            _("--smtp-security: expected one of {SECURITY}, got {security!r}").format(
                SECURITY=", ".join(SECURITY), security=security
            )
        )
    if not sender or email_problem(sender):
        raise InputError(
            _("--from: {sender!r} is not an e-mail address").format(sender=sender)
            if sender
            else _("no sender address"),
            hint=_("Give --from or set FVM_SMTP_FROM, e.g. fvm-noreply@vgregion.se."),
        )
    password = environ.get(PASSWORD_VARIABLE) or None
    if password and not user:
        raise InputError(
            _("{PASSWORD_VARIABLE} is set but no login: give --smtp-user").format(
                PASSWORD_VARIABLE=PASSWORD_VARIABLE
            )
        )
    if user and not password:
        raise InputError(
            _("--smtp-user {user} needs a password in {PASSWORD_VARIABLE}").format(
                user=user, PASSWORD_VARIABLE=PASSWORD_VARIABLE
            ),
            hint=_("The password is read from the environment only, never from an option."),
        )
    if user and chosen == "none":
        raise InputError(
            _("will not send a password over an unencrypted connection (--smtp-security none)"),
            hint=_("Use --smtp-security starttls or tls."),
        )
    if port is not None and not 0 < port < 65536:
        raise InputError(_("--smtp-port: expected 1–65535, got {port}").format(port=port))
    seconds = _seconds(deadline if deadline is not None else environ.get(DEADLINE_VARIABLE))
    return SmtpSettings(
        host,
        port or DEFAULT_PORT[chosen],
        chosen,
        sender,
        user,
        password,
        cafile or None,
        timeout=min(30.0, seconds),
        deadline=seconds,
    )


DEADLINE_VARIABLE = "FVM_SMTP_DEADLINE"
DEADLINE = 120.0  # seconds for connecting, and for each message, unless told


def _seconds(raw: str | None) -> float:
    """Return the seconds ``--smtp-deadline`` / ``FVM_SMTP_DEADLINE`` gives (1–3600), else
    ``DEADLINE``."""
    if raw is None or not raw.strip():
        return DEADLINE
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 1 <= value <= 3600:
        raise InputError(
            _("{name}: expected 1–3600 seconds, got {raw!r}").format(
                name=f"--smtp-deadline / {DEADLINE_VARIABLE}", raw=raw
            )
        )
    return value


class _Deadline:
    """Ends a step with the server when it takes longer than its deadline, however the server
    dawdles (a byte every few seconds passes every read's timeout): a watcher shuts the
    socket, and the blocked read fails at once. The watcher polls the monotonic clock in short
    sleeps rather than waiting on a timed lock, which a faked system clock can stall."""

    POLL = 0.05

    def __init__(self, smtp: smtplib.SMTP, seconds: float) -> None:
        self.smtp, self.seconds, self.passed = smtp, seconds, False
        self._done = False
        self._watcher: threading.Thread | None = None

    def _watch(self) -> None:
        import time

        until = time.monotonic() + self.seconds
        while not self._done:
            if time.monotonic() >= until:
                self.passed = True
                sock = getattr(self.smtp, "sock", None)
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                return
            time.sleep(self.POLL)

    def __enter__(self) -> _Deadline:
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done = True


class MailRefused(Exception):
    """The server refused every recipient of one message; others may still be sent."""

    def __init__(self, refused: dict[str, str]) -> None:
        super().__init__(", ".join(f"{a} ({why})" for a, why in refused.items()))
        self.refused = refused


class MailUnavailable(EnvironmentProblem):
    """The server cannot be reached, refused the login, or went away: nothing more can be sent."""


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}".strip()


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in. smtplib encodes credentials as ASCII, so a password with å, ä or ö goes as
    AUTH PLAIN in UTF-8 (RFC 4616) instead."""
    import base64
    import smtplib

    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in offered:
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN, needed for a password beyond ASCII")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


class SmtpOutbox:
    """One SMTP connection, opened at the first message and closed at the end of the block.
    Connecting (with EHLO, STARTTLS and the login) has one deadline
    (``SmtpSettings.deadline``), and each message, from MAIL FROM to the server's reply to
    its data, has one of its own: a server that answers each line just in time cannot keep
    fvm waiting longer than that on any of them, while a territory's many digests on a slow
    but working server are all sent. Saying goodbye gets at most ``GOODBYE`` seconds."""

    GOODBYE = 10.0

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpOutbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _connect(self) -> smtplib.SMTP:
        import smtplib
        import ssl

        s = self.settings
        context = ssl.create_default_context(cafile=s.cafile)
        smtp: smtplib.SMTP = (
            smtplib.SMTP_SSL(timeout=s.timeout, context=context)
            if s.security == "tls"
            else smtplib.SMTP(timeout=s.timeout)
        )
        smtp._host = s.host  # type: ignore[attr-defined]  # what TLS checks the certificate against
        watch = _Deadline(smtp, s.deadline)
        try:
            with watch:
                smtp.connect(s.host, s.port)
                if s.security == "starttls":
                    smtp.ehlo()
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if s.user:
                    _login(smtp, s.user, s.password or "")
                smtp.ehlo_or_helo_if_needed()  # under this deadline, not the first message's
                if watch.passed:  # a reply cut off by the deadline can still parse
                    raise smtplib.SMTPServerDisconnected("deadline")
        except (smtplib.SMTPException, OSError) as exc:
            if not watch.passed:
                raise self._unavailable(exc) from exc
            smtp.close()
            raise MailUnavailable(
                _("SMTP server {where} did not answer within {seconds:g} s").format(
                    where=self._where(), seconds=s.deadline
                ),
                hint=_("Try again later, or ask whether the server is overloaded."),
            ) from exc
        return smtp

    def _unavailable(self, exc: BaseException) -> MailUnavailable:
        """Return the error that says why connecting to the server failed."""
        import smtplib
        import ssl

        s = self.settings
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return MailUnavailable(
                _("SMTP server {where} refused the login {user}: {reply}").format(
                    where=self._where(), user=s.user, reply=_reply(exc.smtp_code, exc.smtp_error)
                ),
                hint=_("Check --smtp-user and {PASSWORD_VARIABLE}.").format(
                    PASSWORD_VARIABLE=PASSWORD_VARIABLE
                ),
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return MailUnavailable(
                _("SMTP server {where} does not offer {security}").format(
                    where=self._where(),
                    security="STARTTLS" if s.security == "starttls" else _("login"),
                ),
                hint=_("Ask for the server's settings; --smtp-security tls uses port 465."),
            )
        if isinstance(exc, ssl.SSLError):
            return MailUnavailable(
                _("SMTP server {where}: TLS failed ({reason})").format(
                    where=self._where(), reason=exc.reason or exc
                ),
                hint=_("A server with its own certificate authority needs FVM_SMTP_CAFILE."),
            )
        return MailUnavailable(
            _("cannot reach the SMTP server {where}: {exc}").format(where=self._where(), exc=exc),
            hint=_("Check --smtp-host and --smtp-port (or FVM_SMTP_HOST, FVM_SMTP_PORT)."),
        )

    def send(self, message: EmailMessage) -> dict[str, str]:
        """Send one message; return the recipients the server refused (address → reply) when
        it accepted others. Raise MailRefused when it accepted none, MailUnavailable when the
        server cannot take more mail."""
        import smtplib

        if self._smtp is None:
            self._smtp = self._connect()
        watch = _Deadline(self._smtp, self.settings.deadline)  # this message's own
        try:
            with watch:
                refused = self._smtp.send_message(message)
                if watch.passed:  # the server never finished saying it took the message
                    raise smtplib.SMTPServerDisconnected("deadline")
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailRefused(
                {a: _reply(code, text) for a, (code, text) in exc.recipients.items()}
            ) from exc
        except smtplib.SMTPSenderRefused as exc:
            self._drop()
            raise MailUnavailable(
                _("SMTP server {where} refused the sender {sender}: {reply}").format(
                    where=self._where(),
                    sender=exc.sender,
                    reply=_reply(exc.smtp_code, exc.smtp_error),
                ),
                hint=_("Give --from an address the server may send as."),
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            if watch.passed:
                raise MailUnavailable(
                    _(
                        "the SMTP server {where} did not take the message within {seconds:g} s"
                    ).format(where=self._where(), seconds=self.settings.deadline),
                    hint=_(
                        "Nothing more was sent; the next run sends what is left. The deadline "
                        "is for each message: --smtp-deadline / FVM_SMTP_DEADLINE."
                    ),
                ) from exc
            raise MailUnavailable(
                _("the SMTP server {where} stopped: {exc}").format(where=self._where(), exc=exc)
            ) from exc
        return {a: _reply(code, text) for a, (code, text) in refused.items()}

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        """Say goodbye to the server, if a connection was opened."""
        import smtplib

        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                with _Deadline(smtp, min(self.settings.deadline, self.GOODBYE)):
                    smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
