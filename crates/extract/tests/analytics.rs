//! Analytics and ad-network ids in realistic, neutral page snippets, and
//! look-alikes that are not ids. Script sources are relative paths (as a
//! self-hosted tag proxy serves them): the ids are found by their own
//! shape, not by the host. Only the two pixel markers that are a host and
//! a path (`mc.yandex.ru/watch/`, `facebook.com/tr?id=`) appear, without a
//! scheme, because that literal text is what the scanner looks for. Nothing
//! here is ever fetched: extract does no I/O.

use cartograph_extract::{find_tracking_ids, TrackingNetwork};

use TrackingNetwork::*;

fn check(html: &str, expected: &[(TrackingNetwork, &str)]) {
    let found: Vec<(TrackingNetwork, String)> = find_tracking_ids(html)
        .into_iter()
        .map(|tracking_id| (tracking_id.network, tracking_id.id))
        .collect();
    let mut expected: Vec<(TrackingNetwork, String)> = expected
        .iter()
        .map(|(network, id)| (*network, (*id).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(found, expected, "ids in {html:?}");
}

#[test]
fn ids_in_script_tags() {
    check(
        r#"<script async src="/tag/gtag/js?id=G-AB12CD34EF"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-AB12CD34EF');
  gtag('config', 'AW-123456789');
  gtag('event', 'conversion', {'send_to': 'AW-123456789/AbC-D_efG'});
</script>"#,
        &[
            (GoogleAnalytics4, "G-AB12CD34EF"),
            (GoogleAds, "AW-123456789"),
        ],
    );
    check(
        r#"<script>
(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;})(window,document,'script','ga');
ga('create', 'UA-1234567-2', 'auto');
ga('send', 'pageview');
</script>"#,
        &[(GoogleAnalytics, "UA-1234567-2")],
    );
    check(
        r#"<script>(function(w,d,s,l,i){w[l]=w[l]||[];})(window,document,'script','dataLayer','GTM-K9X2ABC');</script>
<noscript><iframe src="/tag/ns.html?id=GTM-K9X2ABC" height="0" width="0"></iframe></noscript>"#,
        &[(GoogleTagManager, "GTM-K9X2ABC")],
    );
    check(
        r#"<script async src="/ads/adsbygoogle.js?client=ca-pub-1234567890123456" crossorigin="anonymous"></script>
<ins class="adsbygoogle" data-ad-client="ca-pub-1234567890123456" data-ad-slot="1234567890"></ins>"#,
        &[(AdSense, "ca-pub-1234567890123456")],
    );
}

#[test]
fn yandex_metrika_counters() {
    check(
        r#"<script type="text/javascript">
   (function(m,e,t,r,i,k,a){m[i]=m[i]||function(){(m[i].a=m[i].a||[]).push(arguments)};})
   (window, document, "script", "/metrika/tag.js", "ym");
   ym(87654321, "init", { clickmap:true, trackLinks:true, accurateTrackBounce:true });
</script>
<noscript><div><img src="//mc.yandex.ru/watch/87654321" style="position:absolute; left:-9999px;" alt="" /></div></noscript>"#,
        &[(YandexMetrika, "87654321")],
    );
    check(
        r#"<script>var yaCounter44556677 = new Ya.Metrika({id:44556677, webvisor:true});</script>"#,
        &[(YandexMetrika, "44556677")],
    );
    check(
        r#"<script>w.yaCounter = new Ya.Metrika2({ id: 11223344, clickmap: true });</script>"#,
        &[(YandexMetrika, "11223344")],
    );
    // A reachGoal call names the counter too, but not with "init".
    check(
        r#"<script>ym(87654321, 'reachGoal', 'order');</script>"#,
        &[],
    );
}

#[test]
fn facebook_pixels() {
    check(
        r#"<script>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){};}(window, document,'script','/px/fbevents.js');
fbq('init', '123456789012345');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none" src="//facebook.com/tr?id=123456789012345&amp;ev=PageView&amp;noscript=1"/></noscript>"#,
        &[(FacebookPixel, "123456789012345")],
    );
    check(
        r#"<script>fbq( "init" , "987654321098765" );</script>"#,
        &[(FacebookPixel, "987654321098765")],
    );
}

#[test]
fn ids_in_json_and_attributes() {
    check(
        r#"<script type="application/json" id="__CONFIG__">{"analytics":{"measurementId":"G-Z9Y8X7W6V5","gtm":"GTM-ABCD12","ua":"UA-98765432-1"},"ads":{"client":"ca-pub-9876543210987654"}}</script>"#,
        &[
            (GoogleAnalytics4, "G-Z9Y8X7W6V5"),
            (GoogleTagManager, "GTM-ABCD12"),
            (GoogleAnalytics, "UA-98765432-1"),
            (AdSense, "ca-pub-9876543210987654"),
        ],
    );
    check(
        r#"<div data-ga-id="UA-11111111-3" data-pixel="x"></div><meta name="ga" content="G-1A2B3C4D5E">"#,
        &[
            (GoogleAnalytics, "UA-11111111-3"),
            (GoogleAnalytics4, "G-1A2B3C4D5E"),
        ],
    );
    // Two sites' ids on one page are both kept.
    check(
        "gtag('config','G-AAAA1111BB'); gtag('config','G-CCCC2222DD');",
        &[
            (GoogleAnalytics4, "G-AAAA1111BB"),
            (GoogleAnalytics4, "G-CCCC2222DD"),
        ],
    );
}

#[test]
fn look_alikes_are_not_ids() {
    for html in [
        "<p>Our G-Class car and the G-SPOT-FREE zone</p>",
        "<p>Model G-ABCDEFGHIJ has no digits</p>",
        "<p>LAW-2023-15 and UA-2 and UA-12-</p>",
        "<p>FLIGHT GTM-1 and AW-12 and ca-pub-123</p>",
        "<p>Price 150 € · ym(2024) · fbq('track', 'PageView')</p>",
        "<p>see facebook.com/tr?id=abc and mc.yandex.ru/watch/ </p>",
        "<p>sub-G-AB12CD34EF and xUA-1234567-1 and G-AB12CD34EFGHIJ</p>",
        "<p>ua-1234567-1 is lower case; gtm-abc123 too</p>",
        // Ids cut off at the end of the page.
        "UA-12345",
        "UA-12345-",
        "G-AB12",
        "fbq('init', '1234",
        "",
    ] {
        check(html, &[]);
    }
}
