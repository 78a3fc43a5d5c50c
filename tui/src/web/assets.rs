//! The page and its files, embedded in the binary (no build step: plain HTML, CSS and ES
//! modules in `tui/web/`), served with a content type, an ETag and a strict CSP.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Shared;
use super::auth::{has_cookie, refuse, unauthorized};

/// The files: name, content type, bytes.
const FILES: &[(&str, &str, &str)] = &[
    (
        "app.js",
        "text/javascript",
        include_str!("../../web/app.js"),
    ),
    (
        "pages.js",
        "text/javascript",
        include_str!("../../web/pages.js"),
    ),
    (
        "detail.js",
        "text/javascript",
        include_str!("../../web/detail.js"),
    ),
    (
        "spark.js",
        "text/javascript",
        include_str!("../../web/spark.js"),
    ),
    ("style.css", "text/css", include_str!("../../web/style.css")),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("../../web/icon.svg"),
    ),
];

const INDEX: &str = include_str!("../../web/index.html");

/// Only this page's own files and websocket; no inline script; no framing (the kill button
/// must not be clicked through another site's frame).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A strong ETag of `bytes` (FNV-1a): the files change only with the binary.
fn etag(bytes: &str) -> String {
    let hash = bytes.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("\"{hash:016x}\"")
}

fn secure(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// The page itself (never cached: it is where the token's cookie is checked).
pub(crate) fn page() -> Response {
    let mut response = INDEX.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    secure(&mut response);
    response
}

/// `/assets/NAME`: one of the files, to a browser with the cookie; 304 when it has it.
pub(crate) async fn serve(
    State(web): State<Arc<Shared>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !has_cookie(&web, &headers) {
        return unauthorized();
    }
    let Some((_, kind, body)) = FILES.iter().find(|(n, _, _)| *n == name) else {
        return refuse(StatusCode::NOT_FOUND, "no such file");
    };
    let tag = etag(body);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (*body).into_response()
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    secure(&mut response);
    response
}
