//! Club page with a roster: house facts first (opening hours), then who is
//! "here today" as `li`s, with a recruiting `li` in the same list that is
//! not an ad, `/page/N/`.

use std::fmt::Write as _;

use crate::templates::chrome::{
    contact_links, date_element, document, escape, footer, header, pager, phone_element,
    price_element, ListingView,
};
use crate::templates::Skin;
use crate::truth::AdTruth;
use crate::vocabulary::Labels;

const STYLESHEET: &str = "body{background:#111;color:#eee;font-family:sans-serif}a{color:#e9c}\
ul{list-style:none;display:flex;flex-wrap:wrap;gap:1em}";

pub(crate) fn render(view: &ListingView<'_>) -> String {
    let frame = view.frame;
    let skin = frame.skin();
    let labels = frame.labels();
    let mut body = header(frame);
    let _ = write!(
        body,
        "<main>\n<section class=\"club-info\">\n<h1>{}</h1>\n<p class=\"hours\">{}</p>\n\
         <p class=\"address\">{}</p>\n</section>\n<h2>{}</h2>\n<ul class=\"{}\">\n",
        escape(&view.heading()),
        escape(labels.opening_hours),
        escape(frame.plan.home_city.display),
        escape(labels.present_today),
        skin.list
    );
    for ad in &view.ads {
        body.push_str(&person(skin, labels, ad));
    }
    let _ = writeln!(
        body,
        "<li class=\"recruit\"><a href=\"/post-ad\">{}</a></li>\n</ul>",
        escape(labels.post_ad)
    );
    body.push_str(&pager(view));
    body.push_str("</main>\n");
    body.push_str(&footer(frame));
    document(frame, &view.title(), STYLESHEET, &body)
}

fn person(skin: &Skin, labels: &Labels, ad: &AdTruth) -> String {
    format!(
        "<li class=\"{card}\">\n<img src=\"/static/roster-{id}.jpg\" alt=\"\">\n\
         <a class=\"{title_class}\" href=\"{href}\">{title}</a>\n<span class=\"{location_class}\">{city}</span> {date} {price}\n\
         <p class=\"{text_class}\">{text}</p>\n<p class=\"contact\">{phone}{links}</p>\n</li>\n",
        card = skin.card,
        id = escape(&ad.ad_id),
        title_class = skin.title,
        href = escape(&ad.url_path),
        title = escape(&ad.title),
        location_class = skin.location,
        city = escape(&ad.location.city),
        date = date_element("span", skin.date, ad),
        price = price_element("span", skin.price, ad),
        text_class = skin.text,
        text = escape(&ad.text),
        phone = phone_element("span", skin.phone, labels.phone, ad),
        links = contact_links(ad),
    )
}
