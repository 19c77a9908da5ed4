//! Route patterns (the keys of `request_counts`) and which routes a profile has.

use crate::profile::Profile;

/// The route a pattern resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
  V1Status,
  V1Authcheck,
  V1Share,
  V1Create,
  V1Generate,
  V1Secret,
  V1Receipt,
  V1Recent,
  V1Burn,
  V2Status,
  V2Version,
  V2Authcheck,
  V2Conceal {
    guest: bool,
  },
  V2Generate {
    guest: bool,
  },
  V2Secret {
    guest: bool,
  },
  V2Reveal {
    guest: bool,
  },
  V2SecretStatus,
  V2Receipt {
    guest: bool,
  },
  V2Burn {
    guest: bool,
  },
  V2Recent,
  /// No route: `v2` tells which router answered (the v2 app has its own 404 body on v0.26).
  NotFound {
    v2: bool,
  },
}

/// `"METHOD /path"` with ids replaced by `:key` (v1) or `:id` (v2), plus the id itself.
pub(crate) fn pattern(method: &str, path: &str) -> (String, Option<String>) {
  let segs: Vec<&str> = path.split('/').collect();
  // segs[0] is "" for an absolute path.
  let mut id_at = None;
  let mut placeholder = "";
  if segs.len() >= 5 && segs[0].is_empty() && segs[1] == "api" {
    match segs[2] {
      "v1"
        if matches!(segs[3], "secret" | "private" | "metadata" | "receipt")
          && segs[4] != "recent"
          && !segs[4].is_empty() =>
      {
        id_at = Some(4);
        placeholder = ":key";
      }
      "v2" => {
        if matches!(segs[3], "secret" | "private" | "receipt")
          && !matches!(segs[4], "conceal" | "generate" | "recent" | "status" | "")
        {
          id_at = Some(4);
          placeholder = ":id";
        } else if segs[3] == "guest"
          && segs.len() >= 6
          && matches!(segs[4], "secret" | "receipt")
          && !matches!(segs[5], "conceal" | "generate" | "")
        {
          id_at = Some(5);
          placeholder = ":id";
        }
      }
      _ => {}
    }
  }
  let mut out = String::with_capacity(method.len() + 1 + path.len());
  out.push_str(method);
  out.push(' ');
  let mut id = None;
  for (i, s) in segs.iter().enumerate() {
    if i > 0 {
      out.push('/');
    }
    if Some(i) == id_at {
      out.push_str(placeholder);
      id = Some(percent_decode(s));
    } else {
      out.push_str(s);
    }
  }
  (out, id)
}

fn percent_decode(s: &str) -> String {
  percent_encoding::percent_decode_str(s)
    .decode_utf8_lossy()
    .into_owned()
}

pub(crate) fn route(p: &Profile, pattern: &str) -> Route {
  use Route::*;
  let r = match pattern {
    "GET /api/v1/status" => V1Status,
    "GET /api/v1/authcheck" if p.v1_authcheck => V1Authcheck,
    "POST /api/v1/share" => V1Share,
    "POST /api/v1/create" => V1Create,
    "POST /api/v1/generate" => V1Generate,
    "POST /api/v1/secret/:key" => V1Secret,
    "GET /api/v1/private/:key"
    | "POST /api/v1/private/:key"
    | "GET /api/v1/metadata/:key"
    | "POST /api/v1/metadata/:key" => V1Receipt,
    "GET /api/v1/receipt/:key" | "POST /api/v1/receipt/:key" if p.v1_receipt_routes => V1Receipt,
    "GET /api/v1/private/recent" | "GET /api/v1/metadata/recent" => V1Recent,
    "GET /api/v1/receipt/recent" if p.v1_receipt_routes => V1Recent,
    "POST /api/v1/private/:key/burn" => V1Burn,
    "POST /api/v1/metadata/:key/burn" | "POST /api/v1/receipt/:key/burn" if p.v1_receipt_routes => {
      V1Burn
    }
    _ if p.v2.is_none() => NotFound { v2: false },
    "GET /api/v2/status" => V2Status,
    "GET /api/v2/version" => V2Version,
    "GET /api/v2/authcheck" if p.v2_authcheck => V2Authcheck,
    "POST /api/v2/secret/conceal" => V2Conceal { guest: false },
    "POST /api/v2/secret/generate" => V2Generate { guest: false },
    "GET /api/v2/secret/:id" => V2Secret { guest: false },
    "POST /api/v2/secret/:id/reveal" => V2Reveal { guest: false },
    "GET /api/v2/secret/:id/status" => V2SecretStatus,
    "GET /api/v2/receipt/:id" | "GET /api/v2/private/:id" => V2Receipt { guest: false },
    "POST /api/v2/receipt/:id/burn" | "POST /api/v2/private/:id/burn" => V2Burn { guest: false },
    "GET /api/v2/receipt/recent" | "GET /api/v2/private/recent" => V2Recent,
    // Guest routes: v0.23.2+.
    "POST /api/v2/guest/secret/conceal" if p.v2_guest_routes => V2Conceal { guest: true },
    "POST /api/v2/guest/secret/generate" if p.v2_guest_routes => V2Generate { guest: true },
    "GET /api/v2/guest/secret/:id" if p.v2_guest_routes => V2Secret { guest: true },
    "POST /api/v2/guest/secret/:id/reveal" if p.v2_guest_routes => V2Reveal { guest: true },
    "GET /api/v2/guest/receipt/:id" if p.v2_guest_routes => V2Receipt { guest: true },
    "POST /api/v2/guest/receipt/:id/burn" if p.v2_guest_routes => V2Burn { guest: true },
    _ => NotFound {
      v2: pattern
        .split(' ')
        .nth(1)
        .is_some_and(|p| p.starts_with("/api/v2/")),
    },
  };
  r
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn patterns() {
    for (method, path, want) in [
      ("GET", "/api/v1/status", "GET /api/v1/status"),
      (
        "POST",
        "/api/v1/private/abc/burn",
        "POST /api/v1/private/:key/burn",
      ),
      (
        "GET",
        "/api/v1/private/recent",
        "GET /api/v1/private/recent",
      ),
      (
        "POST",
        "/api/v2/secret/conceal",
        "POST /api/v2/secret/conceal",
      ),
      (
        "POST",
        "/api/v2/secret/xyz/reveal",
        "POST /api/v2/secret/:id/reveal",
      ),
      (
        "GET",
        "/api/v2/guest/receipt/xyz",
        "GET /api/v2/guest/receipt/:id",
      ),
      (
        "GET",
        "/api/v2/receipt/recent",
        "GET /api/v2/receipt/recent",
      ),
      ("GET", "/api/v1/secret/abc", "GET /api/v1/secret/:key"),
      ("GET", "/", "GET /"),
    ] {
      assert_eq!(pattern(method, path).0, want, "{method} {path}");
    }
    // The id, percent-decoded.
    for (path, id) in [
      ("/api/v1/secret/abc123", "abc123"),
      ("/api/v1/secret/a%62c", "abc"),
      ("/api/v1/secret/%", "%"),
    ] {
      assert_eq!(pattern("POST", path).1.as_deref(), Some(id), "{path}");
    }
  }

  #[test]
  fn tables() {
    use crate::profile::Generation::*;
    let none = Route::NotFound { v2: false };
    for (g, pattern, want) in [
      (V0_12, "GET /api/v1/authcheck", none),
      (V0_22, "GET /api/v1/authcheck", Route::V1Authcheck),
      (V0_12, "GET /api/v2/status", none),
      (V0_22, "GET /api/v1/receipt/:key", none),
      (V0_26, "POST /api/v1/receipt/:key/burn", Route::V1Burn),
      (V0_26, "GET /api/v2/nope", Route::NotFound { v2: true }),
      (V0_26, "GET /api/v1/secret/:key", none),
      (
        V0_22,
        "POST /api/v2/guest/secret/conceal",
        Route::NotFound { v2: true },
      ),
      (
        V0_26,
        "POST /api/v2/guest/secret/conceal",
        Route::V2Conceal { guest: true },
      ),
    ] {
      assert_eq!(route(g.profile(), pattern), want, "{g:?} {pattern}");
    }
  }
}
