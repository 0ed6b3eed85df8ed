//! The HTML report in a real browser (headless Chromium): it renders with
//! no console message, and script planted in crawled data does not run.
//!
//! The payloads travel the real path: a site name and notes in the config,
//! and a page title, a company name and ad text served by the farm (a layer
//! in front of the farm's own router plants them, so the farm's audit still
//! sees every request), crawled by the binary into the store, read back by
//! `cartograph report html`. Each payload would set the document title (or
//! add an element) if it ran; the dumped DOM shows it did not, and that the
//! payloads arrived as text. A control page proves the detector works: the
//! same kind of payload, where it can run, is seen running.
//!
//! Needs Debian's `chromium` (or `CARTOGRAPH_CHROMIUM=/path`). Without one
//! the test prints why it was skipped, unless `CARTOGRAPH_REQUIRE_BROWSER=1`
//! (set by `.ci/run`), which makes a missing browser a failure.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use cartograph_farm::{Farm, FarmSpec};
use support::{assert_exit, assert_polite_with, cartograph, crawler_config, text, Robots};

const INTERVAL: Duration = Duration::from_millis(40);
/// The site whose pages carry the planted payloads (farm site 0: UTF-8).
const TARGET_SITE: usize = 0;

const NAME_PAYLOAD: &str = "<script>document.title=\"PWNED-NAME\"</script>Rosa";
const NOTES_PAYLOAD: &str = "<img src=x onerror=\"document.title='PWNED-NOTES'\">";
/// Planted into the page's `<title>` (as text, which is what a title is).
const TITLE_PAYLOAD: &str = "<script>document.title='PWNED-TITLE'</script>";
/// Planted as the copyright holder in the footer.
const COMPANY_PAYLOAD: &str = "<img src=x onerror=\"document.title='PWNED-COMPANY'\"> Holdings";
/// Planted into the first ad's text.
const AD_PAYLOAD: &str = "<script>document.title='PWNED-AD'</script><img src=x onerror=\"document.body.dataset.pwned='ad'\">";

/// `text` escaped as the farm escapes page text.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `text` as Chromium's DOM dump writes a text node (`&`, `<`, `>` only).
fn as_dumped_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The farm's page with the payloads planted: in the title, as the
/// copyright holder, in the first ad's text.
fn plant(page: &str) -> String {
    let mut planted = page.to_owned();
    if let (Some(start), Some(end)) = (planted.find("<title>"), planted.find("</title>")) {
        planted.replace_range(start + "<title>".len()..end, &html_escape(TITLE_PAYLOAD));
    }
    if let Some(position) = planted.find("&copy; ") {
        // "&copy; 2025 Operator</p>": the holder after the year.
        let after_sign = position + "&copy; ".len();
        let holder = planted[after_sign..]
            .find(|character: char| !character.is_ascii_digit() && character != ' ')
            .map_or(after_sign, |offset| after_sign + offset);
        let end = planted[holder..]
            .find('<')
            .map_or(planted.len(), |offset| holder + offset);
        planted.replace_range(holder..end, &html_escape(COMPANY_PAYLOAD));
    }
    if let Some(position) = planted.find("<p class=\"text\">") {
        planted.insert_str(
            position + "<p class=\"text\">".len(),
            &html_escape(AD_PAYLOAD),
        );
    }
    planted
}

/// The farm's router with a layer that plants the payloads into the
/// target site's HTML pages.
async fn serve_planted_farm(farm: Arc<Farm>) -> std::net::SocketAddr {
    let target_host = farm.sites()[TARGET_SITE].host.clone();
    let app = cartograph_farm::app(farm).layer(axum::middleware::from_fn(
        move |request: Request, next: Next| {
            let target_host = target_host.clone();
            async move {
                let host = request
                    .headers()
                    .get("host")
                    .and_then(|value| value.to_str().ok())
                    .map(|host| host.split(':').next().unwrap_or(host).to_owned());
                let response = next.run(request).await;
                let is_html = response
                    .headers()
                    .get("content-type")
                    .and_then(|value| value.to_str().ok())
                    .is_some_and(|kind| kind.contains("html"));
                if host.as_deref() != Some(target_host.as_str()) || !is_html {
                    return response;
                }
                let (mut parts, body) = response.into_parts();
                let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
                    .await
                    .expect("farm page body");
                let page = String::from_utf8(bytes.to_vec()).expect("the target site is UTF-8");
                parts.headers.remove("content-length");
                Response::from_parts(parts, Body::from(plant(&page)))
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("loopback port");
    let address = listener.local_addr().expect("bound address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// The browser to use, if any.
fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CARTOGRAPH_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|directory| ["chromium", "chromium-browser"].map(|name| directory.join(name)))
        .find(|candidate| candidate.is_file())
}

/// What one headless Chromium run printed.
struct BrowserRun {
    stdout: String,
    console: Vec<String>,
}

/// Runs headless Chromium on `page` with `action` (`--dump-dom`,
/// `--screenshot=…`), a fresh profile, no network services.
async fn chromium(browser: &Path, page: &Path, action: &str, scratch: &Path) -> BrowserRun {
    let profile = tempfile::tempdir_in(scratch).expect("profile directory");
    let mut command = tokio::process::Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1400,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(action)
        .arg(format!("file://{}", page.display()))
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(90), command.output())
        .await
        .expect("chromium finishes within 90 s")
        .expect("chromium starts");
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "chromium failed: {:?}\n{stderr}",
        output.status
    );
    BrowserRun {
        stdout: text(&output.stdout),
        console: stderr
            .lines()
            .filter(|line| line.contains(":CONSOLE"))
            .map(str::to_owned)
            .collect(),
    }
}

/// The `<title>` text of a dumped DOM.
fn dumped_title(dom: &str) -> &str {
    let start = dom
        .find("<title>")
        .map_or(0, |start| start + "<title>".len());
    let end = dom[start..]
        .find("</title>")
        .map_or(start, |end| start + end);
    &dom[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_report_renders_in_chromium_and_planted_script_does_not_run() {
    let Some(browser) = find_chromium() else {
        let required = std::env::var("CARTOGRAPH_REQUIRE_BROWSER").is_ok_and(|value| value == "1");
        assert!(
            !required,
            "CARTOGRAPH_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium, \
             or set CARTOGRAPH_CHROMIUM)"
        );
        eprintln!(
            "SKIPPED the_html_report_renders_in_chromium_and_planted_script_does_not_run: no \
             chromium on PATH (apt-get install chromium; CARTOGRAPH_REQUIRE_BROWSER=1 makes \
             this a failure)"
        );
        return;
    };
    let scratch = tempfile::tempdir().expect("temporary directory");

    // The control: where script can run, the detector sees it run; where
    // a policy forbids it, the console says so.
    let control = scratch.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><title>control</title></head><body>\
         <script>document.title='PWNED-CONTROL'</script></body></html>",
    )
    .expect("control page");
    let ran = chromium(&browser, &control, "--dump-dom", scratch.path()).await;
    assert_eq!(dumped_title(&ran.stdout), "PWNED-CONTROL", "{}", ran.stdout);
    let blocked_control = scratch.path().join("blocked.html");
    std::fs::write(
        &blocked_control,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'\"><title>control</title></head><body>\
         <script>document.title='PWNED-CONTROL'</script></body></html>",
    )
    .expect("control page");
    let blocked = chromium(&browser, &blocked_control, "--dump-dom", scratch.path()).await;
    assert_eq!(dumped_title(&blocked.stdout), "control");
    assert!(
        !blocked.console.is_empty(),
        "a blocked script shows in the console"
    );

    // The farm with planted pages, and a config with a planted name and notes.
    let farm = Arc::new(Farm::new(FarmSpec {
        seed: 1,
        sites: 2,
        day: 0,
    }));
    let address = serve_planted_farm(farm.clone()).await;
    let mut config = crawler_config(&farm, address, INTERVAL);
    let target = &farm.sites()[TARGET_SITE];
    let name_line = format!("name = {}\n", toml_string(&target.name));
    assert!(
        config.contains(&name_line),
        "the config names the target site"
    );
    config = config.replacen(
        &name_line,
        &format!(
            "name = {}\nnotes = {}\n",
            toml_string(NAME_PAYLOAD),
            toml_string(NOTES_PAYLOAD)
        ),
        1,
    );
    let config_path = scratch.path().join("cartograph.toml");
    std::fs::write(&config_path, config).expect("config written");
    let config_path = config_path.to_str().expect("UTF-8 path");

    let crawl = cartograph(&["crawl", "--config", config_path]).await;
    assert_exit(&crawl, 0);
    assert_polite_with(&farm, INTERVAL, Robots::Fetched);
    let report_path = scratch.path().join("report.html");
    let report = cartograph(&[
        "report",
        "html",
        "--config",
        config_path,
        "--out",
        report_path.to_str().expect("UTF-8 path"),
    ])
    .await;
    assert_eq!(report.status.code(), Some(0), "{}", text(&report.stderr));

    let rendered = chromium(&browser, &report_path, "--dump-dom", scratch.path()).await;
    let dom = &rendered.stdout;
    assert!(
        rendered.console.is_empty(),
        "console messages: {:#?}",
        rendered.console
    );
    assert!(
        dumped_title(dom).starts_with("cartograph report "),
        "title {:?}",
        dumped_title(dom)
    );
    let lower = dom.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script element in the DOM");
    assert!(!lower.contains("<img"), "an image element in the DOM");
    assert!(!lower.contains("data-pwned"), "a payload changed the DOM");
    // It rendered: the tables, the graph, the site's planted strings as text.
    assert!(dom.contains("<svg class=\"graph\""), "graph rendered");
    assert!(dom.contains("id=\"methodology\""));
    for payload in [NAME_PAYLOAD, NOTES_PAYLOAD, COMPANY_PAYLOAD] {
        assert!(
            dom.contains(&as_dumped_text(payload)),
            "{payload} arrived as text"
        );
    }
    assert!(
        dom.contains(&as_dumped_text(TITLE_PAYLOAD)),
        "the crawled title arrived as text"
    );

    let screenshot = scratch.path().join("report.png");
    let shot = chromium(
        &browser,
        &report_path,
        &format!("--screenshot={}", screenshot.display()),
        scratch.path(),
    )
    .await;
    assert!(shot.console.is_empty(), "{:#?}", shot.console);
    let png = std::fs::read(&screenshot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
    // A copy outside the temporary directory, for a person to look at.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    std::fs::create_dir_all(&keep).expect("artifact directory");
    std::fs::copy(&screenshot, keep.join("report.png")).expect("screenshot kept");
    std::fs::copy(&report_path, keep.join("report.html")).expect("report kept");
}
