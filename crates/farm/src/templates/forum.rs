//! Hobby board: review threads as `li`s, with a sticky rules thread and an
//! announcement in the same list and class (only threads carry
//! `data-thread`), author and reply counts, and a "next" link only.

use std::fmt::Write as _;

use crate::seeded::SeededRandom;
use crate::templates::chrome::{
    contact_links, date_element, document, escape, footer, header, pager, phone_element,
    price_element, ListingView,
};
use crate::templates::Skin;
use crate::truth::AdTruth;
use crate::vocabulary::Labels;

const STYLESHEET: &str = "body{font:13px Tahoma,sans-serif;background:#f4f4f4}\
ul{list-style:none;padding:0}li{background:#fff;margin:2px 0;padding:.4em}.sticky{font-weight:bold}";

pub(crate) fn render(view: &ListingView<'_>) -> String {
    let frame = view.frame;
    let skin = frame.skin();
    let labels = frame.labels();
    let mut body = header(frame);
    let _ = write!(
        body,
        "<main>\n<h1>{}</h1>\n<ul class=\"{list}\">\n\
         <li class=\"{card} sticky\"><a href=\"/board/rules\">{rules}</a></li>\n\
         <li class=\"{card} announcement\"><a href=\"/post-ad\">{post}</a></li>\n",
        escape(&view.heading()),
        list = skin.list,
        card = skin.card,
        rules = escape(labels.sticky_rules),
        post = escape(labels.post_ad),
    );
    for ad in &view.ads {
        body.push_str(&thread(skin, labels, ad));
    }
    body.push_str("</ul>\n");
    body.push_str(&pager(view));
    body.push_str("</main>\n");
    body.push_str(&footer(frame));
    document(frame, &view.title(), STYLESHEET, &body)
}

fn thread(skin: &Skin, labels: &Labels, ad: &AdTruth) -> String {
    let draw = SeededRandom::hash_item(0, "thread-stats", 0, ad.ad_id.parse().unwrap_or_default());
    format!(
        "<li class=\"{card}\" data-thread=\"{id}\">\n<a class=\"{title_class}\" href=\"{href}\">{title}</a>\n\
         <span class=\"author\">{author}: member{member}</span> <span class=\"{location_class}\">{city}</span> {price}\n\
         <span class=\"stats\">{replies}: {reply_count} · {views}: {view_count}</span> {date}\n\
         <p class=\"{text_class}\">{text}</p>\n<p class=\"contact\">{phone}{links}</p>\n</li>\n",
        card = skin.card,
        id = escape(&ad.ad_id),
        title_class = skin.title,
        href = escape(&ad.url_path),
        title = escape(&ad.title),
        author = escape(labels.author),
        member = draw % 9_000 + 1_000,
        location_class = skin.location,
        city = escape(&ad.location.city),
        price = price_element("span", skin.price, ad),
        replies = escape(labels.replies),
        reply_count = (draw >> 16) % 60,
        views = escape(labels.views),
        view_count = (draw >> 24) % 5_000 + 40,
        date = date_element("span", skin.date, ad),
        text_class = skin.text,
        text = escape(&ad.text),
        phone = phone_element("span", skin.phone, labels.phone, ad),
        links = contact_links(ad),
    )
}
