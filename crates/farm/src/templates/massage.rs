//! Massage-salon catalogue: one `article` per salon with an address and a
//! price table, a promoted "partner salons" box, a "showing N" line,
//! banners, `?page=N`.

use std::fmt::Write as _;

use crate::templates::chrome::{
    ad_list, contact_links, date_element, document, escape, footer, header, page_counter, pager,
    phone_element, price_element, promoted_links, ListingView,
};
use crate::templates::Skin;
use crate::truth::AdTruth;
use crate::vocabulary::Labels;

const STYLESHEET: &str =
    "body{font-family:Georgia,serif;color:#333}article{border-bottom:1px solid #ccc}\
table.menu td{padding:0 1em}.partners-box{border:1px solid gold}";

pub(crate) fn render(view: &ListingView<'_>) -> String {
    let frame = view.frame;
    let mut body = header(frame);
    let _ = write!(body, "<main>\n<h1>{}</h1>\n", escape(&view.heading()));
    body.push_str(&page_counter(view));
    body.push_str(&promoted_links(
        view,
        "<div class=\"partners-box\">\n<h2>TOP</h2>\n<ul>\n",
        "</ul>\n</div>\n",
        |ad| &ad.title,
    ));
    body.push_str(&ad_list(view, "section", salon));
    body.push_str(&pager(view));
    body.push_str("</main>\n");
    body.push_str(&footer(frame));
    document(frame, &view.title(), STYLESHEET, &body)
}

fn salon(skin: &Skin, labels: &Labels, ad: &AdTruth) -> String {
    let price_row = match &ad.price_text {
        Some(_) => format!(
            "<table class=\"menu\"><tr><th>{}</th><td>{}</td></tr></table>",
            escape(labels.services),
            price_element("span", skin.price, ad)
        ),
        None => String::new(),
    };
    format!(
        "<article class=\"{card}\" data-salon=\"{id}\">\n<h2><a class=\"{title_class}\" href=\"{href}\">{title}</a></h2>\n\
         <address class=\"{location_class}\">{city}</address>\n{date}\n{price_row}\n\
         <p class=\"{text_class}\">{text}</p>\n<p class=\"contact\">{phone}{links}</p>\n</article>\n",
        card = skin.card,
        id = escape(&ad.ad_id),
        title_class = skin.title,
        href = escape(&ad.url_path),
        title = escape(&ad.title),
        location_class = skin.location,
        city = escape(&ad.location.city),
        date = date_element("time", skin.date, ad),
        text_class = skin.text,
        text = escape(&ad.text),
        phone = phone_element("span", skin.phone, labels.phone, ad),
        links = contact_links(ad),
    )
}
