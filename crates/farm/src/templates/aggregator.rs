//! Advertising aggregator: `li` items re-posting ads of two other farm
//! sites (each with a "via" link to the original), `?offset=K`, a JSON-LD
//! ItemList, and two `li`s in the same list that are not ads.

use std::fmt::Write as _;

use crate::templates::chrome::{
    contact_links, date_element, document, escape, footer, header, json_ld, pager, phone_element,
    price_element, site_counter, ListingView,
};
use crate::templates::Skin;
use crate::truth::AdTruth;
use crate::vocabulary::Labels;

const STYLESHEET: &str = "body{font-family:Verdana,sans-serif}ul{list-style:none;padding:0}\
li{border-bottom:1px dotted #999;padding:.5em 0}.sponsored{background:#eef}";

pub(crate) fn render(view: &ListingView<'_>) -> String {
    let frame = view.frame;
    let skin = frame.skin();
    let labels = frame.labels();
    let mut body = header(frame);
    body.push_str(&site_counter(view));
    let _ = write!(
        body,
        "<main>\n<h1>{}</h1>\n<ul class=\"{}\">\n<li class=\"feed-note\">{}: <a href=\"/post-ad\">{}</a></li>\n",
        escape(&view.heading()),
        skin.list,
        escape(labels.sponsored),
        escape(labels.post_ad)
    );
    for ad in &view.ads {
        body.push_str(&item(skin, labels, ad));
    }
    let _ = writeln!(
        body,
        "<li class=\"feed-ad sponsored\"><a href=\"/advertise\" rel=\"sponsored\">{}</a></li>\n</ul>",
        escape(labels.advertise)
    );
    body.push_str(&pager(view));
    if frame.plan.json_ld {
        body.push_str(&json_ld(view));
    }
    body.push_str("</main>\n");
    body.push_str(&footer(frame));
    document(frame, &view.title(), STYLESHEET, &body)
}

fn item(skin: &Skin, labels: &Labels, ad: &AdTruth) -> String {
    let via = match &ad.connections.copied_from {
        Some(source) => format!(
            "<p class=\"via\">via <a href=\"{}\" rel=\"nofollow\">{}</a></p>",
            escape(&source.url),
            escape(&source.site_id)
        ),
        None => String::new(),
    };
    format!(
        "<li class=\"{card}\" data-id=\"{id}\">\n<a class=\"{title_class}\" href=\"{href}\">{title}</a>\n\
         {date} <span class=\"{location_class}\">{city}</span> {price}\n\
         <p class=\"{text_class}\">{text}</p>\n<p class=\"contact\">{phone}{links}</p>\n{via}\n</li>\n",
        card = skin.card,
        id = escape(&ad.ad_id),
        title_class = skin.title,
        href = escape(&ad.url_path),
        title = escape(&ad.title),
        date = date_element("span", skin.date, ad),
        location_class = skin.location,
        city = escape(&ad.location.city),
        price = price_element("span", skin.price, ad),
        text_class = skin.text,
        text = escape(&ad.text),
        phone = phone_element("span", skin.phone, labels.phone, ad),
        links = contact_links(ad),
    )
}
