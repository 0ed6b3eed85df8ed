//! What every template shares: the document shell (charset declared where
//! the site's variant says, analytics snippets in the head), nested
//! navigation, counters, banners, contact links, a JSON-LD ItemList, the
//! pager, footers with link farms, and the pages around the listings (ad
//! pages, about, 404). Templates own their card markup; this owns the rest.

use std::fmt::Write as _;

use crate::dates::machine_readable;
use crate::encoding::meta_charset;
use crate::pagination::PaginationStyle;
use crate::plan::SitePlan;
use crate::population::ListingPage;
use crate::templates::{Skin, TemplateKind};
use crate::truth::AdTruth;
use crate::vocabulary::Labels;

/// What every page of a site is rendered with.
#[derive(Debug)]
pub(crate) struct Frame<'farm> {
    pub(crate) plan: &'farm SitePlan,
    /// Other farm sites' hosts the footer links to.
    pub(crate) partner_hosts: Vec<&'farm str>,
    /// Printed in the footer.
    pub(crate) year: i32,
}

impl Frame<'_> {
    pub(crate) fn labels(&self) -> &'static Labels {
        &self.plan.language.labels
    }

    pub(crate) fn skin(&self) -> &'static Skin {
        self.plan.template.skin(self.plan.skin)
    }

    pub(crate) fn page_path(&self, page_number: usize) -> String {
        self.plan.template.pagination().path(
            &self.plan.listing_prefix,
            page_number,
            self.plan.ads_per_page,
        )
    }

    /// A path for another city's section (never inside the listing patterns).
    fn other_city_path(&self, city_slug: &str) -> String {
        match self.plan.template {
            TemplateKind::EscortDirectory => format!("/{city_slug}/"),
            TemplateKind::MassageSalons => format!("/salons/{city_slug}/"),
            _ => format!("/search?city={city_slug}"),
        }
    }
}

/// A listing page (or the premium section) with its ads drawn.
#[derive(Debug)]
pub(crate) struct ListingView<'farm> {
    pub(crate) frame: &'farm Frame<'farm>,
    pub(crate) page: &'farm ListingPage,
    pub(crate) ads: Vec<AdTruth>,
    pub(crate) promoted: Vec<AdTruth>,
    /// True for the robots-disallowed premium section.
    pub(crate) private: bool,
}

impl ListingView<'_> {
    pub(crate) fn heading(&self) -> String {
        let plan = self.frame.plan;
        if self.private {
            format!("{} – {}", plan.site.name, self.frame.labels().premium_text)
        } else {
            format!("{} – {}", plan.site.name, plan.home_city.display)
        }
    }

    pub(crate) fn title(&self) -> String {
        format!(
            "{} | {} {}",
            self.frame.plan.site.name,
            self.frame.labels().page,
            self.page.page_number
        )
    }

    /// Whether a banner follows the card at `position` (0-based).
    pub(crate) fn banner_after(&self, position: usize) -> Option<usize> {
        let every = self.frame.plan.template.traits().banner_every;
        (every > 0 && (position + 1) % every == 0 && position + 1 < self.ads.len())
            .then_some((position + 1) / every)
    }

    /// How many banners [`ListingView::banner_after`] places.
    pub(crate) fn banner_count(template: TemplateKind, cards: usize) -> usize {
        let every = template.traits().banner_every;
        if every == 0 || cards == 0 {
            0
        } else {
            (cards - 1) / every
        }
    }
}

/// Text escaped for HTML content and double-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// A complete document around `body`: charset meta where the site declares
/// it there, the site's analytics and ad-network snippets, `stylesheet`.
pub(crate) fn document(frame: &Frame<'_>, title: &str, stylesheet: &str, body: &str) -> String {
    let plan = frame.plan;
    let mut page = String::with_capacity(body.len() + 1024);
    // Writing to a String cannot fail; results are ignored throughout.
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n{}<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{}</style>\n",
        plan.language.code,
        meta_charset(plan.encoding, plan.charset_declaration),
        escape(title),
        stylesheet
    );
    for id in &plan.analytics_ids {
        let snippet = if id.starts_with("UA-") {
            format!("<script>ga('create', '{id}', 'auto'); ga('send', 'pageview');</script>\n")
        } else if id.starts_with("G-") {
            format!("<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag('js', new Date()); gtag('config', '{id}');</script>\n")
        } else if id.starts_with("GTM-") {
            format!("<script>(function(w,l){{w[l]=w[l]||[];w[l].push({{'gtm.start':Date.now(),event:'gtm.js',id:'{id}'}});}})(window,'dataLayer');</script>\n")
        } else {
            format!("<meta name=\"ad-client\" content=\"{id}\">\n")
        };
        page.push_str(&snippet);
    }
    let _ = write!(
        page,
        "</head>\n<body class=\"{}\">\n{body}",
        plan.template.as_str()
    );
    if let Some(ad_client) = plan
        .analytics_ids
        .iter()
        .find(|id| id.starts_with("ca-pub-"))
    {
        let _ = writeln!(
            page,
            "<ins class=\"adsbygoogle\" data-ad-client=\"{ad_client}\" data-ad-slot=\"1\"></ins>"
        );
    }
    page.push_str("</body>\n</html>\n");
    page
}

/// Header navigation: nested lists, the city menu, the premium section.
pub(crate) fn navigation(frame: &Frame<'_>) -> String {
    let labels = frame.labels();
    let plan = frame.plan;
    let mut navigation = String::with_capacity(1024);
    let _ = write!(
        navigation,
        "<nav class=\"menu\">\n<ul class=\"level-1\">\n<li><a href=\"/\">{}</a></li>\n\
         <li class=\"dropdown\"><a href=\"{}\">{}</a>\n<ul class=\"level-2\">\n",
        escape(labels.home),
        escape(&plan.listing_prefix),
        escape(plan.home_city.display)
    );
    for city in plan.country.cities {
        if city.slug != plan.home_city.slug {
            let _ = writeln!(
                navigation,
                "<li><a href=\"{}\">{}</a></li>",
                escape(&frame.other_city_path(city.slug)),
                escape(city.display)
            );
        }
    }
    let _ = write!(
        navigation,
        "</ul>\n</li>\n<li class=\"premium\"><a href=\"{}\">{}</a></li>\n\
         <li><a href=\"/search?sort=new\">{}</a></li>\n<li><a href=\"/post-ad\">{}</a></li>\n\
         <li><a href=\"/about\">{}</a></li>\n</ul>\n</nav>\n",
        escape(&plan.private_section),
        escape(labels.premium),
        escape(labels.search),
        escape(labels.post_ad),
        escape(labels.about),
    );
    navigation
}

/// The site-wide "N ads online" line, if the site shows one.
pub(crate) fn site_counter(view: &ListingView<'_>) -> String {
    match view.page.site_counter {
        Some(count) => format!(
            "<div class=\"site-counter\">{}</div>\n",
            escape(
                &view
                    .frame
                    .labels()
                    .ads_online
                    .replace("{n}", &count.to_string())
            )
        ),
        None => String::new(),
    }
}

/// The page's "showing N ads" line, if the template prints one.
pub(crate) fn page_counter(view: &ListingView<'_>) -> String {
    match view.page.counter_shown {
        Some(count) => format!(
            "<p class=\"result-count\">{}</p>\n",
            escape(
                &view
                    .frame
                    .labels()
                    .showing
                    .replace("{n}", &count.to_string())
            )
        ),
        None => String::new(),
    }
}

/// The page's ads in `<{tag} class="{skin.list}">`, each drawn by `card`,
/// with the template's banners after their positions.
pub(crate) fn ad_list(
    view: &ListingView<'_>,
    tag: &str,
    card: impl Fn(&Skin, &Labels, &AdTruth) -> String,
) -> String {
    let (skin, labels) = (view.frame.skin(), view.frame.labels());
    let mut list = format!("<{tag} class=\"{}\">\n", skin.list);
    for (position, ad) in view.ads.iter().enumerate() {
        list.push_str(&card(skin, labels, ad));
        if let Some(slot) = view.banner_after(position) {
            list.push_str(&banner(view.frame, slot));
        }
    }
    let _ = writeln!(list, "</{tag}>");
    list
}

/// The promoted ads as a box of plain links: `open`, one
/// `<li><a href=…>name</a></li>` per ad (`name` picks the text), `close`.
pub(crate) fn promoted_links(
    view: &ListingView<'_>,
    open: &str,
    close: &str,
    name: impl Fn(&AdTruth) -> &str,
) -> String {
    if view.promoted.is_empty() {
        return String::new();
    }
    let mut links = open.to_owned();
    for ad in &view.promoted {
        let _ = writeln!(
            links,
            "<li><a href=\"{}\">{}</a></li>",
            escape(&ad.url_path),
            escape(name(ad))
        );
    }
    links.push_str(close);
    links
}

/// An advertising banner between cards.
pub(crate) fn banner(frame: &Frame<'_>, slot: usize) -> String {
    format!(
        "<div class=\"banner\" data-slot=\"{slot}\"><a href=\"/advertise?slot={slot}\" rel=\"sponsored\">\
         <img src=\"/static/banner-{slot}.png\" alt=\"{}\" width=\"728\" height=\"90\"></a></div>\n",
        escape(frame.labels().advertise)
    )
}

/// Messenger and social links of an ad, as anchors.
pub(crate) fn contact_links(ad: &AdTruth) -> String {
    let mut links = String::new();
    for link in ad.messengers.iter().chain(&ad.social) {
        let _ = write!(
            links,
            " <a class=\"contact-{kind}\" href=\"{href}\" rel=\"nofollow\">{kind}</a>",
            kind = link.kind,
            href = escape(&link.href)
        );
    }
    links
}

/// The date element's inner text and a `datetime` attribute, or nothing.
pub(crate) fn date_element(tag: &str, class: &str, ad: &AdTruth) -> String {
    match &ad.date_text {
        Some(text) if tag == "time" => format!(
            "<time class=\"{class}\" datetime=\"{}\">{}</time>",
            machine_readable(ad.posted),
            escape(text)
        ),
        Some(text) => format!("<{tag} class=\"{class}\">{}</{tag}>", escape(text)),
        None => String::new(),
    }
}

/// The price element, or nothing when the card names no price.
pub(crate) fn price_element(tag: &str, class: &str, ad: &AdTruth) -> String {
    match &ad.price_text {
        Some(text) => format!("<{tag} class=\"{class}\">{}</{tag}>", escape(text)),
        None => String::new(),
    }
}

/// The phone element, or nothing.
pub(crate) fn phone_element(tag: &str, class: &str, label: &str, ad: &AdTruth) -> String {
    match &ad.phone {
        Some(phone) => format!(
            "{} <{tag} class=\"{class}\">{}</{tag}>",
            escape(label),
            escape(&phone.shown)
        ),
        None => String::new(),
    }
}

/// A JSON-LD ItemList of the page's ads, as some sites embed for search engines.
pub(crate) fn json_ld(view: &ListingView<'_>) -> String {
    let host = &view.frame.plan.site.host;
    let items: Vec<serde_json::Value> = view
        .ads
        .iter()
        .enumerate()
        .map(|(position, ad)| {
            serde_json::json!({
                "@type": "ListItem",
                "position": position + 1,
                "url": format!("http://{host}{}", ad.url_path),
                "name": ad.title,
            })
        })
        .collect();
    let list = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "numberOfItems": items.len(),
        "itemListElement": items,
    });
    // `</` cannot appear in serde_json output of these strings except inside
    // text, where escaping the slash keeps the script element closed.
    format!(
        "<script type=\"application/ld+json\">{}</script>\n",
        list.to_string().replace("</", "<\\/")
    )
}

/// Links between listing pages, in the site's pagination style.
pub(crate) fn pager(view: &ListingView<'_>) -> String {
    if view.private {
        return String::new();
    }
    let frame = view.frame;
    let labels = frame.labels();
    let style = frame.plan.template.pagination();
    let page_number = view.page.page_number;
    let page_count = view.page.page_count;
    let mut pager = String::from("<div class=\"pager\">\n");
    match style {
        PaginationStyle::LoadMore => {
            if page_number < page_count {
                let _ = writeln!(
                    pager,
                    "<a class=\"load-more button\" rel=\"next\" href=\"{}\">{}</a>",
                    escape(&frame.page_path(page_number + 1)),
                    escape(labels.load_more)
                );
            }
        }
        _ => {
            if page_number > 1 {
                let _ = writeln!(
                    pager,
                    "<a class=\"prev\" rel=\"prev\" href=\"{}\">&laquo; {}</a>",
                    escape(&frame.page_path(page_number - 1)),
                    escape(labels.previous)
                );
            }
            if style.numbered() && page_count > 1 {
                pager.push_str("<ul class=\"pages\">\n");
                for number in 1..=page_count {
                    if number == page_number {
                        let _ = writeln!(pager, "<li class=\"current\"><span>{number}</span></li>");
                    } else {
                        let _ = writeln!(
                            pager,
                            "<li><a href=\"{}\">{number}</a></li>",
                            escape(&frame.page_path(number))
                        );
                    }
                }
                pager.push_str("</ul>\n");
            }
            if page_number < page_count {
                let _ = writeln!(
                    pager,
                    "<a class=\"next\" rel=\"next\" href=\"{}\">{} &raquo;</a>",
                    escape(&frame.page_path(page_number + 1)),
                    escape(labels.next)
                );
            }
        }
    }
    pager.push_str("</div>\n");
    pager
}

/// The footer: a link farm of city keywords and partner sites, the house
/// rules (inside the premium section, allowed by a `$` rule), the operator.
pub(crate) fn footer(frame: &Frame<'_>) -> String {
    let plan = frame.plan;
    let labels = frame.labels();
    let word = plan.template.site_word(plan.language);
    let mut footer = String::from("<footer>\n<div class=\"seo-links\">\n");
    for country_city in plan.country.cities {
        let _ = writeln!(
            footer,
            "<a href=\"{}\">{} {}</a>",
            escape(&frame.other_city_path(country_city.slug)),
            escape(word),
            escape(country_city.display)
        );
    }
    footer.push_str("</div>\n<div class=\"partners\">\n");
    for host in &frame.partner_hosts {
        let _ = writeln!(footer, "<a href=\"http://{host}/\">{host}</a>");
    }
    for partner in 1..=3 {
        let _ = writeln!(
            footer,
            "<a href=\"http://partner-{partner}.example.org/\">{} {partner}</a>",
            escape(labels.partners)
        );
    }
    let _ = write!(
        footer,
        "</div>\n<p class=\"legal\"><a href=\"{}\">{}</a> · <a href=\"/about\">{}</a> · \
         <a href=\"/post-ad\">{}</a> · &copy; {} {}</p>\n</footer>\n",
        escape(&plan.rules_page()),
        escape(labels.rules),
        escape(labels.about),
        escape(labels.post_ad),
        frame.year,
        escape(&plan.operator)
    );
    footer
}

/// The header every page shares.
pub(crate) fn header(frame: &Frame<'_>) -> String {
    format!(
        "<header>\n<a class=\"logo\" href=\"/\">{}</a>\n{}</header>\n",
        escape(&frame.plan.site.name),
        navigation(frame)
    )
}

const PLAIN_STYLESHEET: &str = "body{font-family:sans-serif;margin:0 auto;max-width:60em}";

/// An ad's own page (outside the listing patterns; never crawled).
pub(crate) fn ad_page(frame: &Frame<'_>, ad: &AdTruth) -> String {
    let labels = frame.labels();
    let mut body = header(frame);
    let _ = write!(
        body,
        "<main>\n<article class=\"ad-detail\" id=\"ad-{id}\">\n<h1>{title}</h1>\n<dl>\n",
        id = escape(&ad.ad_id),
        title = escape(&ad.title)
    );
    if let Some(date) = &ad.date_text {
        let _ = writeln!(
            body,
            "<dt>{}</dt><dd>{}</dd>",
            escape(labels.posted),
            escape(date)
        );
    }
    let _ = writeln!(
        body,
        "<dt>{}</dt><dd>{}</dd>",
        escape(labels.location),
        escape(&ad.location.city)
    );
    if let Some(price) = &ad.price_text {
        let _ = writeln!(
            body,
            "<dt>{}</dt><dd>{}</dd>",
            escape(labels.price),
            escape(price)
        );
    }
    if let Some(phone) = &ad.phone {
        let _ = writeln!(
            body,
            "<dt>{}</dt><dd>{}</dd>",
            escape(labels.phone),
            escape(&phone.shown)
        );
    }
    let _ = write!(
        body,
        "</dl>\n<p>{}</p>\n<p>{}</p>\n</article>\n</main>\n",
        escape(&ad.text),
        contact_links(ad)
    );
    body.push_str(&footer(frame));
    document(
        frame,
        &format!("{} | {}", ad.title, frame.plan.site.name),
        PLAIN_STYLESHEET,
        &body,
    )
}

/// A page around the listings: home, about, rules, 404, another city.
pub(crate) fn plain_page(frame: &Frame<'_>, heading: &str, text: &str) -> String {
    let mut body = header(frame);
    let _ = write!(
        body,
        "<main>\n<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"{}\">{}</a></p>\n</main>\n",
        escape(heading),
        escape(text),
        escape(&frame.plan.listing_prefix),
        escape(&frame.plan.site.name)
    );
    body.push_str(&footer(frame));
    document(
        frame,
        &format!("{heading} | {}", frame.plan.site.name),
        PLAIN_STYLESHEET,
        &body,
    )
}
