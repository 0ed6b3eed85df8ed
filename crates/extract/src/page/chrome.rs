//! The page's own text around its ad cards: title, headings, navigation,
//! counters, footer. It carries the site's ad counter and the words that
//! say what kind of site it is, and none of the ads' text.

use std::collections::HashSet;

use ego_tree::NodeId;
use scraper::node::Node;

use crate::counter::{find_ad_counters, CounterScope};
use crate::records::outline::Outline;
use crate::records::{is_opaque, Card};

/// Most bytes of page text read around the cards: counters and the words
/// naming the site sit near the top or in the footer, and a page of
/// unrelated prose must not cost more than a page of cards.
const CHROME_TEXT_BYTES: usize = 16 * 1024;

/// What the text around the cards says.
pub(crate) struct Chrome {
    /// The text itself, words joined by single spaces (capped at
    /// [`CHROME_TEXT_BYTES`]).
    pub(crate) text: String,
    /// The first count of the site's ads.
    pub(crate) ad_counter: Option<u64>,
    /// The first count of this page's ads.
    pub(crate) page_counter: Option<u64>,
}

/// Reads the text of every element outside the cards, in page order,
/// leaving out links to other sites (a footer of partner sites names
/// them, not this one). `is_elsewhere` says whether an `href` leaves the
/// site.
pub(crate) fn page_chrome(
    outline: &Outline<'_>,
    cards: &[Card],
    is_elsewhere: impl Fn(&str) -> bool,
) -> Chrome {
    let card_nodes: HashSet<NodeId> = cards.iter().filter_map(|card| card.node).collect();
    let mut text = String::new();
    let mut index = 0;
    'nodes: while index < outline.nodes.len() {
        let node = &outline.nodes[index];
        let leaves_site =
            node.is_link && node.element.value().attr("href").is_some_and(&is_elsewhere);
        if leaves_site || card_nodes.contains(&node.element.id()) {
            index = node.subtree_end;
            continue;
        }
        if !is_opaque(node.element.value().name()) {
            for child in node.element.children() {
                if let Node::Text(fragment) = child.value() {
                    for word in fragment.split_whitespace() {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        text.push_str(word);
                    }
                    if text.len() >= CHROME_TEXT_BYTES {
                        break 'nodes;
                    }
                }
            }
        }
        index += 1;
    }
    if text.len() > CHROME_TEXT_BYTES {
        let mut cut = CHROME_TEXT_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    let counters = find_ad_counters(&text);
    let first_of = |scope: CounterScope| {
        counters
            .iter()
            .find(|counter| counter.scope == scope)
            .map(|counter| counter.count)
    };
    Chrome {
        ad_counter: first_of(CounterScope::Site),
        page_counter: first_of(CounterScope::Page),
        text,
    }
}
