//! Template (b), the classifieds board: a table of `tr.listing` rows under
//! `/listings/`, paginated with `/listings/page/N/` and
//! `<a class="next" rel="next">`, ad pages at `/ad/{id}` and a
//! robots-disallowed `/listings/vip/` section.

use std::fmt::Write as _;

use crate::site::Profile;
use crate::templates::html::{document, escape, plain_heading_and_text};
use crate::templates::{AdView, Frame, ListingView, PlainView, SiteTemplate};
use crate::truth::AdTruth;
use crate::vocabulary::Language;

#[derive(Debug)]
pub(crate) struct Classifieds;

const STYLESHEET: &str = "body{font:14px Georgia,serif}#top,#content,#bottom{margin:0 auto;max-width:60em}\
table.listings{border-collapse:collapse;width:100%}table.listings td{border-bottom:1px solid #ddd;padding:.3em}";

impl SiteTemplate for Classifieds {
    fn id_infix(&self) -> &'static str {
        "ads"
    }

    fn site_name(&self, stem: &str, _city: &str, language: &Language) -> String {
        format!("{stem} {}", language.labels.classifieds)
    }

    fn listing_prefix(&self, _city_slug: &str) -> String {
        "/listings/".to_owned()
    }

    fn listing_page_path(&self, prefix: &str, page_number: usize) -> String {
        if page_number <= 1 {
            prefix.to_owned()
        } else {
            format!("{prefix}page/{page_number}/")
        }
    }

    fn disallowed_section(&self, prefix: &str) -> String {
        format!("{prefix}vip/")
    }

    fn disallowed_page_path(&self, prefix: &str) -> String {
        format!("{prefix}vip/")
    }

    fn ad_path(&self, _prefix: &str, ad_id: &str) -> String {
        format!("/ad/{ad_id}")
    }

    fn listing_patterns(&self, host: &str, prefix: &str) -> Vec<String> {
        vec![format!("http://{host}{prefix}*")]
    }

    fn profile(&self) -> Profile {
        Profile {
            ad: "tr.listing".to_owned(),
            link: "a.title".to_owned(),
            date: "td.posted".to_owned(),
            price: "td.price".to_owned(),
            location: "td.location".to_owned(),
            next: "a.next".to_owned(),
        }
    }

    fn render_listing(&self, view: &ListingView<'_>) -> String {
        let labels = &view.frame.language.labels;
        let mut body = top(view.frame);
        let _ = write!(
            body,
            "<div id=\"content\">\n<h1>{}</h1>\n<table class=\"listings\">\n\
             <thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            escape(&view.heading),
            labels.title,
            labels.location,
            labels.price,
            labels.posted
        );
        for ad in &view.ads {
            body.push_str(&row(ad));
        }
        body.push_str("</tbody>\n</table>\n<div class=\"pager\">\n");
        if let Some(previous) = view.previous_path() {
            let _ = writeln!(
                body,
                "<a class=\"prev\" rel=\"prev\" href=\"{}\">&lsaquo; {}</a>",
                escape(previous),
                labels.previous
            );
        }
        if view.page_paths.len() > 1 {
            let _ = writeln!(
                body,
                "<span class=\"position\">{} {} / {}</span>",
                labels.page,
                view.page_number,
                view.page_paths.len()
            );
        }
        if let Some(next) = view.next_path() {
            let _ = writeln!(
                body,
                "<a class=\"next\" rel=\"next\" href=\"{}\">{} &rsaquo;</a>",
                escape(next),
                labels.next
            );
        }
        body.push_str("</div>\n</div>\n");
        body.push_str(&bottom(view.frame));
        let title = format!(
            "{} | {} {}",
            view.frame.site.name, labels.page, view.page_number
        );
        document(view.frame.language, &title, STYLESHEET, &body)
    }

    fn render_ad(&self, view: &AdView<'_>) -> String {
        let labels = &view.frame.language.labels;
        let ad = view.ad;
        let mut body = top(view.frame);
        let _ = write!(
            body,
            "<div id=\"content\">\n<h1 class=\"subject\">{title}</h1>\n<table class=\"details\">\n\
             <tr><th>{location_label}</th><td class=\"location\">{city}</td></tr>\n\
             <tr><th>{price_label}</th><td class=\"price\">{price}</td></tr>\n\
             <tr><th>{posted_label}</th><td class=\"posted\">{posted}</td></tr>\n\
             <tr><th>{phone_label}</th><td class=\"phone\">{phone}</td></tr>\n</table>\n\
             <div class=\"body\">{text}</div>\n<p><a href=\"{listing}\">{back}</a></p>\n</div>\n",
            title = escape(&ad.title),
            location_label = labels.location,
            city = escape(&ad.city),
            price_label = labels.price,
            price = escape(&ad.price.text),
            posted_label = labels.posted,
            posted = ad.posted,
            phone_label = labels.phone,
            phone = escape(&ad.phone),
            text = escape(&ad.text),
            listing = escape(view.listing_href),
            back = labels.previous,
        );
        body.push_str(&bottom(view.frame));
        let title = format!("{} | {}", ad.title, view.frame.site.name);
        document(view.frame.language, &title, STYLESHEET, &body)
    }

    fn render_plain(&self, view: &PlainView<'_>) -> String {
        let (heading, text) = plain_heading_and_text(view.kind, view.frame.language);
        let mut body = top(view.frame);
        let _ = write!(
            body,
            "<div id=\"content\">\n<h1>{heading}</h1>\n<p>{text}</p>\n\
             <p><a href=\"{}\">{}</a></p>\n</div>\n",
            escape(view.listing_href),
            escape(&view.frame.site.name)
        );
        body.push_str(&bottom(view.frame));
        let title = format!("{heading} | {}", view.frame.site.name);
        document(view.frame.language, &title, STYLESHEET, &body)
    }
}

fn top(frame: &Frame<'_>) -> String {
    let mut top = String::with_capacity(512);
    let _ = write!(
        top,
        "<div id=\"top\">\n<span class=\"brand\"><a href=\"/\">{}</a></span>\n<ul class=\"menu\">\n",
        escape(&frame.site.name)
    );
    for link in &frame.navigation {
        let _ = writeln!(
            top,
            "<li><a href=\"{}\">{}</a></li>",
            escape(&link.href),
            escape(&link.label)
        );
    }
    top.push_str("</ul>\n</div>\n");
    top
}

fn bottom(frame: &Frame<'_>) -> String {
    let labels = &frame.language.labels;
    format!(
        "<div id=\"bottom\">\n<a href=\"/about\">{}</a> | <a href=\"/post-ad\">{}</a> | \
         {} {}\n</div>\n",
        labels.about, labels.post_ad, frame.year, labels.copyright_holder
    )
}

fn row(ad: &AdTruth) -> String {
    format!(
        "<tr class=\"listing\" data-ad=\"{id}\">\n\
         <td class=\"subject\"><a class=\"title\" href=\"{href}\">{title}</a><br>\
         <small class=\"text\">{text}</small> <small class=\"phone\">{phone}</small></td>\n\
         <td class=\"location\">{city}</td>\n<td class=\"price\">{price}</td>\n\
         <td class=\"posted\">{posted}</td>\n</tr>\n",
        id = escape(&ad.ad_id),
        href = escape(&ad.url_path),
        title = escape(&ad.title),
        text = escape(&ad.text),
        phone = escape(&ad.phone),
        city = escape(&ad.city),
        price = escape(&ad.price.text),
        posted = ad.posted,
    )
}
