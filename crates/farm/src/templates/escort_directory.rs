//! Template (a), the escort directory: a city section (`/wien/`) of div cards
//! (`article.ad`), paginated with `?page=N` and `<a rel="next">`, ad pages at
//! `/wien/ad/{id}` and a robots-disallowed `/wien/private/` section.

use std::fmt::Write as _;

use crate::site::Profile;
use crate::templates::html::{document, escape, plain_heading_and_text};
use crate::templates::{AdView, Frame, ListingView, PlainView, SiteTemplate};
use crate::truth::AdTruth;
use crate::vocabulary::Language;

#[derive(Debug)]
pub(crate) struct EscortDirectory;

const STYLESHEET: &str = "body{font-family:sans-serif;margin:0}header,main,footer{padding:1em}\
.ad{border:1px solid #ccc;margin:.5em 0;padding:.5em}.pagination a{margin:0 .3em}";

impl SiteTemplate for EscortDirectory {
    fn id_infix(&self) -> &'static str {
        "dir"
    }

    fn site_name(&self, stem: &str, city: &str, language: &Language) -> String {
        format!("{stem} {} {city}", language.labels.escort_directory)
    }

    fn listing_prefix(&self, city_slug: &str) -> String {
        format!("/{city_slug}/")
    }

    fn listing_page_path(&self, prefix: &str, page_number: usize) -> String {
        if page_number <= 1 {
            prefix.to_owned()
        } else {
            format!("{prefix}?page={page_number}")
        }
    }

    fn disallowed_section(&self, prefix: &str) -> String {
        format!("{prefix}private/")
    }

    fn disallowed_page_path(&self, prefix: &str) -> String {
        format!("{prefix}private/offers/")
    }

    fn ad_path(&self, prefix: &str, ad_id: &str) -> String {
        format!("{prefix}ad/{ad_id}")
    }

    fn listing_patterns(&self, host: &str, prefix: &str) -> Vec<String> {
        // Ad pages share the city prefix, so the section is spelled out:
        // the first page, its `?page=` siblings, and the private part.
        vec![
            format!("http://{host}{prefix}"),
            format!("http://{host}{prefix}?page=*"),
            format!("http://{host}{prefix}private/*"),
        ]
    }

    fn profile(&self) -> Profile {
        Profile {
            ad: "article.ad".to_owned(),
            link: "a.title".to_owned(),
            date: ".posted".to_owned(),
            price: ".price".to_owned(),
            location: ".city".to_owned(),
            next: "a[rel=next]".to_owned(),
        }
    }

    fn render_listing(&self, view: &ListingView<'_>) -> String {
        let labels = &view.frame.language.labels;
        let mut body = header(view.frame);
        let _ = write!(
            body,
            "<main>\n<h1>{}</h1>\n<div class=\"ads\">\n",
            escape(&view.heading)
        );
        for ad in &view.ads {
            body.push_str(&card(ad, labels.phone));
        }
        body.push_str("</div>\n<nav class=\"pagination\">\n");
        if let Some(previous) = view.previous_path() {
            let _ = writeln!(
                body,
                "<a rel=\"prev\" href=\"{}\">&laquo; {}</a>",
                escape(previous),
                labels.previous
            );
        }
        if view.page_paths.len() > 1 {
            for (page_index, path) in view.page_paths.iter().enumerate() {
                let page_number = page_index + 1;
                if page_number == view.page_number {
                    let _ = writeln!(body, "<span class=\"current\">{page_number}</span>");
                } else {
                    let _ = writeln!(body, "<a href=\"{}\">{page_number}</a>", escape(path));
                }
            }
        }
        if let Some(next) = view.next_path() {
            let _ = writeln!(
                body,
                "<a rel=\"next\" href=\"{}\">{} &raquo;</a>",
                escape(next),
                labels.next
            );
        }
        body.push_str("</nav>\n</main>\n");
        body.push_str(&footer(view.frame));
        let title = format!(
            "{} – {} {}",
            view.frame.site.name, labels.page, view.page_number
        );
        document(view.frame.language, &title, STYLESHEET, &body)
    }

    fn render_ad(&self, view: &AdView<'_>) -> String {
        let labels = &view.frame.language.labels;
        let ad = view.ad;
        let mut body = header(view.frame);
        let _ = write!(
            body,
            "<main>\n<article class=\"ad-detail\" id=\"ad-{id}\">\n<h1>{title}</h1>\n\
             <dl>\n<dt>{posted_label}</dt><dd class=\"posted\">{posted}</dd>\n\
             <dt>{location_label}</dt><dd class=\"city\">{city}</dd>\n\
             <dt>{price_label}</dt><dd class=\"price\">{price}</dd>\n\
             <dt>{phone_label}</dt><dd class=\"phone\">{phone}</dd>\n</dl>\n\
             <p class=\"text\">{text}</p>\n</article>\n\
             <p><a href=\"{listing}\">&laquo; {back}</a></p>\n</main>\n",
            id = escape(&ad.ad_id),
            title = escape(&ad.title),
            posted_label = labels.posted,
            posted = ad.posted,
            location_label = labels.location,
            city = escape(&ad.city),
            price_label = labels.price,
            price = escape(&ad.price.text),
            phone_label = labels.phone,
            phone = escape(&ad.phone),
            text = escape(&ad.text),
            listing = escape(view.listing_href),
            back = labels.previous,
        );
        body.push_str(&footer(view.frame));
        let title = format!("{} – {}", ad.title, view.frame.site.name);
        document(view.frame.language, &title, STYLESHEET, &body)
    }

    fn render_plain(&self, view: &PlainView<'_>) -> String {
        let (heading, text) = plain_heading_and_text(view.kind, view.frame.language);
        let mut body = header(view.frame);
        let _ = write!(
            body,
            "<main>\n<h1>{heading}</h1>\n<p>{text}</p>\n<p><a href=\"{}\">{}</a></p>\n</main>\n",
            escape(view.listing_href),
            escape(&view.frame.site.name)
        );
        body.push_str(&footer(view.frame));
        let title = format!("{heading} – {}", view.frame.site.name);
        document(view.frame.language, &title, STYLESHEET, &body)
    }
}

fn header(frame: &Frame<'_>) -> String {
    let mut header = String::with_capacity(512);
    let _ = write!(
        header,
        "<header>\n<a class=\"logo\" href=\"/\">{}</a>\n<nav class=\"main-nav\">\n",
        escape(&frame.site.name)
    );
    for link in &frame.navigation {
        let _ = writeln!(
            header,
            "<a href=\"{}\">{}</a>",
            escape(&link.href),
            escape(&link.label)
        );
    }
    header.push_str("</nav>\n</header>\n");
    header
}

fn footer(frame: &Frame<'_>) -> String {
    let labels = &frame.language.labels;
    format!(
        "<footer>\n<a href=\"/about\">{}</a> · <a href=\"/post-ad\">{}</a>\n\
         <p class=\"copyright\">&copy; {} {}</p>\n</footer>\n",
        labels.about, labels.post_ad, frame.year, labels.copyright_holder
    )
}

fn card(ad: &AdTruth, phone_label: &str) -> String {
    format!(
        "<article class=\"ad\" id=\"ad-{id}\">\n\
         <h2><a class=\"title\" href=\"{href}\">{title}</a></h2>\n\
         <p class=\"meta\"><time class=\"posted\" datetime=\"{posted}\">{posted}</time> · \
         <span class=\"city\">{city}</span> · <span class=\"price\">{price}</span></p>\n\
         <p class=\"text\">{text}</p>\n\
         <p class=\"contact\">{phone_label}: <span class=\"phone\">{phone}</span></p>\n\
         </article>\n",
        id = escape(&ad.ad_id),
        href = escape(&ad.url_path),
        title = escape(&ad.title),
        posted = ad.posted,
        city = escape(&ad.city),
        price = escape(&ad.price.text),
        text = escape(&ad.text),
        phone = escape(&ad.phone),
    )
}
