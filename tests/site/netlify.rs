//! netlify.toml publishes the build with the headers the site relies on.

use std::path::Path;

fn netlify() -> toml::Table {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("netlify.toml"))
        .unwrap();
    toml::from_str(&text).unwrap()
}

/// The headers Netlify sends for `for`.
fn headers(for_path: &str) -> toml::Table {
    let n = netlify();
    n["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["for"].as_str() == Some(for_path))
        .unwrap_or_else(|| panic!("no [[headers]] for {for_path}"))["values"]
        .as_table()
        .unwrap()
        .clone()
}

/// The Content-Security-Policy of the published site.
pub fn site_csp() -> String {
    headers("/*")["Content-Security-Policy"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn build_command_and_publish_folder() {
    let n = netlify();
    let build = n["build"].as_table().unwrap();
    assert_eq!(build["publish"].as_str(), Some("public"));
    let command = build["command"].as_str().unwrap();
    assert!(command.contains("-- build"), "{command}");
    assert!(
        command.contains("$URL"),
        "the deploy URL is the base URL: {command}"
    );
    let toolchain =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rust-toolchain.toml"))
            .unwrap();
    assert!(
        toolchain.contains("channel = \""),
        "the toolchain is pinned"
    );
}

#[test]
fn previews_and_branch_deploys_build_for_their_own_address() {
    let n = netlify();
    let context = n["context"].as_table().unwrap();
    let command = |name: &str| {
        context[name]["command"]
            .as_str()
            .unwrap_or_else(|| panic!("no command for the {name} context"))
            .to_string()
    };
    assert!(command("production").contains("--base-url \"$URL\""));
    for name in ["deploy-preview", "branch-deploy"] {
        let c = command(name);
        assert!(c.contains("-- build"), "{name}: {c}");
        assert!(
            c.contains("--base-url \"$DEPLOY_PRIME_URL\""),
            "{name}: {c}"
        );
    }
}

#[test]
fn strict_security_headers_on_every_path() {
    let h = headers("/*");
    let csp = site_csp();
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for d in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "script-src 'self'",
        "style-src 'self'",
    ] {
        assert!(directives.contains(&d), "CSP lacks {d}: {csp}");
    }
    for d in &directives {
        assert!(!d.contains("unsafe"), "no unsafe sources: {d}");
        let sources: Vec<&str> = d.split_whitespace().skip(1).collect();
        assert!(
            sources.iter().all(|s| *s == "'self'" || *s == "'none'"),
            "only 'self' sources: {d}"
        );
    }
    let hsts = h["Strict-Transport-Security"].as_str().unwrap();
    let max_age: u64 = hsts
        .split(';')
        .next()
        .unwrap()
        .trim()
        .strip_prefix("max-age=")
        .unwrap()
        .parse()
        .unwrap();
    assert!(max_age >= 180 * 24 * 3600, "HSTS at least 180 days: {hsts}");
    assert_eq!(h["X-Content-Type-Options"].as_str(), Some("nosniff"));
    assert!(matches!(
        h["Referrer-Policy"].as_str(),
        Some("no-referrer" | "strict-origin-when-cross-origin")
    ));
    assert!(h.contains_key("Permissions-Policy"));
    assert_eq!(
        h["Cross-Origin-Opener-Policy"].as_str(),
        Some("same-origin")
    );
}

#[test]
fn fingerprinted_assets_are_cached_for_long() {
    for p in ["/*.css", "/*.js"] {
        let cc = headers(p)["Cache-Control"].as_str().unwrap().to_string();
        assert!(
            cc.contains("max-age=31536000") && cc.contains("immutable"),
            "{p}: {cc}"
        );
    }
    // And the pages do link them with a content hash.
    let site = crate::common::Fixture::new("citations");
    site.build(&[]).ok();
    let page = site.html("page/index.html");
    let css = page.attrs("link[rel=stylesheet]", "href");
    assert!(css.iter().all(|h| h.contains(".css?h=")), "{css:?}");
    let js = page.attrs("script[src]", "src");
    assert!(
        !js.is_empty() && js.iter().all(|h| h.contains(".js?h=")),
        "{js:?}"
    );
    assert!(page.csp_violations().is_empty());
}
