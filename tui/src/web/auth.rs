//! Who may look: the token (from the link, then as a cookie), the `Host` every request
//! names, the `Origin` of a websocket.

use crate::secret::same_secret;
use std::sync::Arc;

use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Shared;
use super::conn::MAX_CONNECTIONS;

/// The cookie's name: one per port, since cookies do not tell ports apart (two observers on
/// one host keep their own).
pub(crate) fn cookie_name(web: &Shared) -> String {
    format!("grain_web_{}", web.addr.port())
}

/// Does the request carry the token's cookie?
pub(crate) fn has_cookie(web: &Shared, headers: &HeaderMap) -> bool {
    let name = cookie_name(web);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .any(|(k, v)| k == name && same_secret(v, &web.token))
}

/// Is `host` (a `Host` header) a name this server answers to? On a loopback address only
/// loopback names with the right port (a page of another site whose name was rebound to
/// 127.0.0.1 names its own host); elsewhere any.
pub(crate) fn host_ok(web: &Shared, host: Option<&str>) -> bool {
    let Some(host) = host else {
        return false;
    };
    if !web.addr.ip().is_loopback() {
        return true;
    }
    let port = web.addr.port();
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host == format!("{name}:{port}"))
}

/// Is `origin` the origin this page was served from (`http://` and the request's host)?
pub(crate) fn origin_ok(headers: &HeaderMap) -> bool {
    let get = |h| headers.get(h).and_then(|v: &HeaderValue| v.to_str().ok());
    match (get(header::ORIGIN), get(header::HOST)) {
        (Some(origin), Some(host)) => origin == format!("http://{host}"),
        _ => false,
    }
}

/// Every request: a `Host` this server answers to, else 403.
pub(crate) async fn check_host(
    State(web): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    if !host_ok(&web, host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "this server answers only to its own address",
        );
    }
    next.run(request).await
}

/// A refusal with a short page saying why.
pub(crate) fn refuse(status: StatusCode, why: &str) -> Response {
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>grain observe</title>\
         <body style=\"font-family:sans-serif;padding:2em\"><h1>{}</h1><p>{why}</p>",
        status.canonical_reason().unwrap_or("refused")
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What a request without the token's cookie gets.
pub(crate) fn unauthorized() -> Response {
    refuse(
        StatusCode::UNAUTHORIZED,
        "open the link the observer printed when it started (it carries the token: \
         <code>http://HOST:PORT/?token=...</code>)",
    )
}

/// `/`: the token link sets the cookie and sends the browser on to `/`, which serves the page
/// to a browser that has the cookie.
pub(crate) async fn index(
    State(web): State<Arc<Shared>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let token = uri
        .query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|kv| kv.strip_prefix("token="));
    match token {
        Some(t) if same_secret(t, &web.token) => {
            let cookie = format!(
                "{}={}; HttpOnly; SameSite=Strict; Path=/",
                cookie_name(&web),
                web.token
            );
            let mut response = StatusCode::SEE_OTHER.into_response();
            let h = response.headers_mut();
            h.insert(header::LOCATION, HeaderValue::from_static("/"));
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                h.insert(header::SET_COOKIE, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Some(_) => refuse(StatusCode::FORBIDDEN, "wrong token"),
        None if has_cookie(&web, &headers) => super::assets::page(),
        None => unauthorized(),
    }
}

/// Anything else: 401 without the cookie (nothing is told to a stranger), 404 with it.
pub(crate) async fn not_found(State(web): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if has_cookie(&web, &headers) {
        refuse(StatusCode::NOT_FOUND, "no such page")
    } else {
        unauthorized()
    }
}

/// `/ws`: the cookie, and an `Origin` that is this page's own (403 otherwise: any site may
/// open a websocket to loopback, with the browser's cookies).
pub(crate) async fn upgrade(
    State(web): State<Arc<Shared>>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if !has_cookie(&web, &headers) {
        return unauthorized();
    }
    if !origin_ok(&headers) {
        return refuse(StatusCode::FORBIDDEN, "a websocket from another origin");
    }
    if web
        .hub
        .connections
        .load(std::sync::atomic::Ordering::Relaxed)
        >= MAX_CONNECTIONS
    {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many browsers watch already",
        );
    }
    match ws {
        Ok(ws) => ws
            .max_message_size(64 * 1024)
            .on_upgrade(move |socket| super::conn::run(socket, web)),
        Err(e) => e.into_response(),
    }
}
