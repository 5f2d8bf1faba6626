"""A national identity provider on loopback, for the demo and the tests: it speaks OpenID Connect
(authorization code flow with PKCE) over HTTP, with a few demo identities to pick from.

    python -m motcua.citizens.oidc_provider --port 8782 \\
        --redirect-uri http://localhost:8000/tai-khoan/dinh-danh/ve/

What it serves (a small threaded WSGI app, no Django):
- GET  /.well-known/openid-configuration  discovery;
- GET  /authorize    checks client_id, redirect_uri, response_type, scope, state, nonce and the
                     S256 code challenge, then shows a page to pick a demo identity and approve;
- POST /authorize    the choice: redirects to redirect_uri with a code (or error=access_denied);
- POST /token        client_secret_basic or client_secret_post; the code is single-use (a replay
                     also revokes what the code gave), lives 60 s, and needs the PKCE verifier;
                     answers an RS256 ID token (key generated at start) and an access token;
- GET  /userinfo     Bearer access token → the identity's claims, including the citizen ID number
                     ("citizen_id") and the organisations the person represents ("organizations");
- GET  /jwks         the public key;
- /_sim/…            control: POST /_sim/faults {"faults": [...]} with any of
                     unpublished_key (sign with a key not in /jwks), wrong_nonce, expired,
                     wrong_audience, wrong_issuer; GET /_sim/state.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from motcua.core import loopback

FAULTS = ("unpublished_key", "wrong_nonce", "expired", "wrong_audience", "wrong_issuer")
DEMO_CLIENT_ID = "motcua-demo"
DEMO_CLIENT_SECRET = "motcua-demo-secret"  # noqa: S105 — loopback demo only

# Demo identities: real-looking Hà Tĩnh ID numbers (province code 042) and valid tax codes.
IDENTITIES = [
    {
        "sub": "vneid-0001",
        "name": "Nguyễn Văn An",
        "citizen_id": "042060001234",
        "birthdate": "1960-03-15",
        "phone_number": "0912000101",
        "email": "an.nguyen@example.vn",
        "address": {"formatted": "Số 12 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh"},
        "organizations": [
            {
                "tax_code": "3001234567",
                "name": "Công ty TNHH Thương mại An Phát",
                "address": "Số 5 đường Trần Phú, phường Thành Sen, tỉnh Hà Tĩnh",
                "position": "Giám đốc",
            }
        ],
    },
    {
        "sub": "vneid-0002",
        "name": "Trần Thị Bình",
        "citizen_id": "042185004321",
        "birthdate": "1985-11-02",
        "phone_number": "0987000202",
        "email": "binh.tran@example.vn",
        "address": {"formatted": "Thôn Đông, xã Thạch Hà, tỉnh Hà Tĩnh"},
        "organizations": [
            {
                "tax_code": "3007654328",
                "name": "Hợp tác xã Nông nghiệp Thạch Hà",
                "address": "Xã Thạch Hà, tỉnh Hà Tĩnh",
                "position": "Chủ nhiệm",
            }
        ],
    },
    {
        "sub": "vneid-0003",
        "name": "Lê Văn Cường",
        "citizen_id": "042098007777",
        "birthdate": "1998-07-07",
        "phone_number": "0868000303",
        "email": "cuong.le@example.vn",
        "address": {"formatted": "Phường Trần Phú, tỉnh Hà Tĩnh"},
        "organizations": [],
    },
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class Client:
    client_id: str
    secret: str
    redirect_uris: list[str]


@dataclass
class Provider:
    """The provider's state; every method is safe to call from several threads."""

    clients: dict[str, Client]
    identities: list[dict] = field(default_factory=lambda: [dict(i) for i in IDENTITIES])
    issuer: str = ""
    code_ttl: float = 60.0
    token_ttl: float = 300.0

    def __post_init__(self):
        self.lock = threading.Lock()
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.codes: dict[str, dict] = {}
            self.tokens: dict[str, dict] = {}
            self.faults: set[str] = set()
            self.log: list[dict] = []

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email", "phone", "address"],
            "claims_supported": [
                "sub",
                "name",
                "birthdate",
                "phone_number",
                "email",
                "address",
                "citizen_id",
                "organizations",
            ],
        }

    def identity(self, sub: str) -> dict | None:
        return next((i for i in self.identities if i["sub"] == sub), None)

    # -- authorize ---------------------------------------------------------------------------------

    def check_authorize(self, query: dict) -> tuple[str | None, str | None]:
        """(page error, redirect error): a bad client or redirect URI is shown, never redirected to."""
        client = self.clients.get(query.get("client_id", ""))
        if client is None:
            return "Unknown client_id.", None
        if query.get("redirect_uri") not in client.redirect_uris:
            return "redirect_uri is not registered for this client.", None
        if query.get("response_type") != "code":
            return None, "unsupported_response_type"
        if "openid" not in query.get("scope", "").split():
            return None, "invalid_scope"
        if not query.get("state") or not query.get("nonce"):
            return None, "invalid_request"
        if query.get("code_challenge_method") != "S256" or len(query.get("code_challenge", "")) < 43:
            return None, "invalid_request"
        return None, None

    def issue_code(self, query: dict, sub: str) -> str:
        code = secrets.token_urlsafe(32)
        with self.lock:
            self.codes[code] = {
                "client_id": query["client_id"],
                "redirect_uri": query["redirect_uri"],
                "challenge": query["code_challenge"],
                "nonce": query["nonce"],
                "scope": query.get("scope", ""),
                "sub": sub,
                "expires": time.time() + self.code_ttl,
                "used": False,
                "tokens": [],
            }
        return code

    # -- token -------------------------------------------------------------------------------------

    def token(self, form: dict, authorization: str) -> tuple[str, dict]:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            try:
                pair = base64.b64decode(authorization[6:]).decode("utf-8")
            except ValueError:
                pair = ":"
            from urllib.parse import unquote

            client_id, _, secret = (unquote(p) for p in pair.partition(":"))
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return "401 Unauthorized", {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return "400 Bad Request", {"error": "unsupported_grant_type"}
        with self.lock:
            grant = self.codes.get(form.get("code", ""))
            if grant is None:
                return "400 Bad Request", {"error": "invalid_grant", "error_description": "unknown code"}
            if grant["used"]:
                for token in grant["tokens"]:  # a replayed code revokes what it gave (RFC 6749 §4.1.2)
                    self.tokens.pop(token, None)
                self.log.append({"event": "code_replayed", "sub": grant["sub"]})
                return "400 Bad Request", {"error": "invalid_grant", "error_description": "code already used"}
            grant["used"] = True
            if time.time() > grant["expires"]:
                return "400 Bad Request", {"error": "invalid_grant", "error_description": "code expired"}
            if grant["client_id"] != client_id or grant["redirect_uri"] != form.get("redirect_uri"):
                return "400 Bad Request", {"error": "invalid_grant", "error_description": "client or redirect_uri"}
            challenge = _b64(hashlib.sha256(form.get("code_verifier", "").encode("ascii", "replace")).digest())
            if not secrets.compare_digest(challenge, grant["challenge"]):
                return "400 Bad Request", {"error": "invalid_grant", "error_description": "PKCE verification failed"}
            access = secrets.token_urlsafe(32)
            self.tokens[access] = {"sub": grant["sub"], "expires": time.time() + self.token_ttl}
            grant["tokens"].append(access)
            faults = set(self.faults)
        return "200 OK", {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.token_ttl),
            "id_token": self.id_token(grant, client_id, faults),
        }

    def id_token(self, grant: dict, client_id: str, faults: set[str]) -> str:
        now = int(time.time())
        person = self.identity(grant["sub"]) or {}
        claims = {
            "iss": self.issuer + ("/other" if "wrong_issuer" in faults else ""),
            "sub": grant["sub"],
            "aud": "someone-else" if "wrong_audience" in faults else client_id,
            "iat": now - (3600 if "expired" in faults else 0),
            "exp": now - 600 if "expired" in faults else now + int(self.token_ttl),
            "auth_time": now,
            "nonce": "not-" + grant["nonce"] if "wrong_nonce" in faults else grant["nonce"],
            "name": person.get("name", ""),
        }
        key = self.key
        if "unpublished_key" in faults:  # the same kid, another key: the signature cannot verify
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def userinfo(self, authorization: str) -> tuple[str, dict]:
        token = authorization[7:] if authorization.startswith("Bearer ") else ""
        with self.lock:
            grant = self.tokens.get(token)
        if grant is None or time.time() > grant["expires"]:
            return "401 Unauthorized", {"error": "invalid_token"}
        person = dict(self.identity(grant["sub"]) or {"sub": grant["sub"]})
        person.update(phone_number_verified=True, email_verified=True)
        return "200 OK", person


# -- the WSGI app -------------------------------------------------------------------------------------


def make_app(provider: Provider):
    def app(environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        authorization = environ.get("HTTP_AUTHORIZATION", "")

        def send(status: str, content: str | bytes, content_type="text/html; charset=utf-8", headers=()):
            data = content.encode("utf-8") if isinstance(content, str) else content
            start_response(
                status,
                [
                    ("Content-Type", content_type),
                    ("Content-Length", str(len(data))),
                    ("Cache-Control", "no-store"),
                    *headers,
                ],
            )
            return [data]

        def send_json(payload: dict, status: str = "200 OK", headers=()):
            return send(status, json.dumps(payload, ensure_ascii=False), "application/json; charset=utf-8", headers)

        def redirect(url: str, params: dict):
            return send(
                "302 Found", "", headers=[("Location", f"{url}{'&' if '?' in url else '?'}{urlencode(params)}")]
            )

        if path == "/.well-known/openid-configuration":
            return send_json(provider.discovery())
        if path == "/jwks":
            return send_json(provider.jwks())
        if path == "/authorize":
            params = query if method == "GET" else form
            page_error, redirect_error = provider.check_authorize(params)
            if page_error:
                return send("400 Bad Request", _page("Yêu cầu không hợp lệ", f"<p>{html.escape(page_error)}</p>"))
            if redirect_error:
                return redirect(params["redirect_uri"], {"error": redirect_error, "state": params.get("state", "")})
            if method == "GET":
                return send("200 OK", _page("Đăng nhập định danh điện tử (mô phỏng)", _consent(provider, params)))
            if form.get("action") != "approve":
                return redirect(params["redirect_uri"], {"error": "access_denied", "state": params["state"]})
            if provider.identity(form.get("sub", "")) is None:
                return send("400 Bad Request", _page("Chưa chọn người dùng", "<p>Choose an identity.</p>"))
            code = provider.issue_code(params, form["sub"])
            return redirect(params["redirect_uri"], {"code": code, "state": params["state"]})
        if path == "/token" and method == "POST":
            status, payload = provider.token(form, authorization)
            extra = [("WWW-Authenticate", 'Basic realm="token"')] if status.startswith("401") else []
            return send_json(payload, status, extra)
        if path == "/userinfo":
            status, payload = provider.userinfo(authorization)
            extra = [("WWW-Authenticate", 'Bearer error="invalid_token"')] if status.startswith("401") else []
            return send_json(payload, status, extra)
        if path == "/_sim/faults" and method == "POST":
            try:
                wanted = json.loads(body.decode("utf-8") or "{}").get("faults", [])
            except (ValueError, AttributeError):
                return send_json({"error": "JSON expected"}, "400 Bad Request")
            with provider.lock:
                provider.faults = {f for f in wanted if f in FAULTS}
            return send_json({"faults": sorted(provider.faults)})
        if path == "/_sim/state":
            with provider.lock:
                return send_json({"faults": sorted(provider.faults), "codes": len(provider.codes), "log": provider.log})
        if path == "/":
            return send(
                "200 OK",
                _page("Identity provider simulator", f"<p>Issuer <code>{html.escape(provider.issuer)}</code></p>"),
            )
        return send("404 Not Found", "Not found", "text/plain")

    return app


def _consent(provider: Provider, params: dict) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
        if k
        in (
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "state",
            "nonce",
            "code_challenge",
            "code_challenge_method",
        )
    )
    choices = "".join(
        f'<p><label><input type="radio" name="sub" value="{html.escape(i["sub"])}"{" checked" if n == 0 else ""}> '
        f"<strong>{html.escape(i['name'])}</strong> — CCCD {html.escape(i['citizen_id'])}</label></p>"
        for n, i in enumerate(provider.identities)
    )
    return f"""<p>Ứng dụng <code>{html.escape(params["client_id"])}</code> xin thông tin định danh của bạn:
họ tên, số định danh, ngày sinh, số điện thoại, thư điện tử, địa chỉ, tổ chức bạn đại diện.</p>
<form method="post" action="/authorize">{hidden}
<fieldset><legend>Chọn người dùng thử</legend>{choices}</fieldset>
<p><button name="action" value="approve" class="ok">Đồng ý</button>
<button name="action" value="deny" class="no">Từ chối</button></p></form>"""


def _page(title: str, body: str) -> str:
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;font-size:1.1rem}}
h1{{color:#8b0000;font-size:1.3rem}}fieldset{{border:1px solid #999;border-radius:6px}}
label{{display:block;padding:.4rem 0}}input[type=radio]{{width:1.3rem;height:1.3rem}}
button{{font-size:1.1rem;padding:.7rem 1.4rem;margin-right:.5rem;border-radius:6px;border:2px solid #8b0000}}
.ok{{background:#8b0000;color:#fff}}.no{{background:#fff;color:#8b0000}}
.banner{{background:#fff3cd;padding:.4rem .6rem;font-size:.9rem}}</style></head>
<body><p class="banner">Mô phỏng nhà cung cấp định danh — identity provider simulator, no real identities.</p>
<h1>{html.escape(title)}</h1>{body}</body></html>"""


def serve(provider: Provider, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True, issuer: str = ""):
    """Serve the provider; its issuer is this server's address unless given."""
    server = loopback.wsgi_server(make_app(provider), host, port, quiet=quiet)
    provider.issuer = issuer.rstrip("/") or f"http://{host}:{server.server_address[1]}"
    return server


def start_in_thread(provider: Provider, host: str = "127.0.0.1", port: int = 0):
    """For tests: serve on a free port in a daemon thread; stop with `server.shutdown()`."""
    server = serve(provider, host, port)
    return loopback.in_thread(server)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="OpenID Connect identity provider simulator (loopback only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8782)
    parser.add_argument("--issuer", default="", help="Default: http://HOST:PORT")
    parser.add_argument("--client-id", default=DEMO_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEMO_CLIENT_SECRET)
    parser.add_argument(
        "--redirect-uri",
        action="append",
        help="Allowed redirect URI (repeat); default: the demo portal's on localhost:8000 and 127.0.0.1:8000.",
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    uris = args.redirect_uri or [f"http://{host}:8000/tai-khoan/dinh-danh/ve/" for host in ("localhost", "127.0.0.1")]
    provider = Provider(clients={args.client_id: Client(args.client_id, args.client_secret, uris)})
    server = serve(provider, args.host, args.port, quiet=not args.verbose, issuer=args.issuer)
    print(f"Identity provider simulator on {provider.issuer}/ (client {args.client_id})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
