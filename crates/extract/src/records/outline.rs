//! The page's elements flattened once into an array in document order, with
//! what record detection and the template fingerprint ask of every element:
//! its parent, depth, where its subtree ends, a structural token (tag and
//! class names) and subtree totals of text and links.
//!
//! Document (pre-)order makes a subtree a contiguous slice `index ..
//! subtree_end`, so "is inside" is two comparisons and subtree totals are
//! one backwards pass. Text inside `script`, `style`, `noscript`,
//! `template` and `svg` is not page text and is not counted; those elements
//! are kept as leaves.

use ego_tree::iter::Edge;
use scraper::node::Node;
use scraper::{ElementRef, Html};

use crate::records::stable_hash::{combine, mix, stable_hash};

/// Elements whose content is not visible page text.
const OPAQUE_ELEMENTS: &[&str] = &["script", "style", "noscript", "template", "svg", "math"];

/// Every element of a page in document order.
pub(crate) struct Outline<'document> {
    pub(crate) nodes: Vec<OutlineNode<'document>>,
}

/// One element and its subtree totals.
pub(crate) struct OutlineNode<'document> {
    pub(crate) element: ElementRef<'document>,
    pub(crate) parent: Option<usize>,
    pub(crate) depth: u32,
    /// One past the last element of this element's subtree.
    pub(crate) subtree_end: usize,
    /// Hash of the tag name alone.
    pub(crate) tag: u64,
    /// Hash of the tag name and its digit-free class names, sorted: the
    /// element's place in a template, without per-ad ids.
    pub(crate) token: u64,
    /// Non-whitespace characters of visible text in the subtree.
    pub(crate) text_chars: u32,
    /// Non-blank text nodes in the subtree.
    pub(crate) text_nodes: u32,
    /// Anchors in the subtree (self included) whose `href` can lead to a
    /// page: not empty, not a fragment, not `javascript:`, `mailto:`, `tel:`.
    pub(crate) links: u32,
    /// This element is such an anchor.
    pub(crate) is_link: bool,
    /// Non-whitespace characters of text inside those anchors.
    pub(crate) link_text_chars: u32,
    /// Elements in the subtree, self included.
    pub(crate) elements: u32,
    /// This element or an ancestor is page furniture: navigation, header,
    /// footer, breadcrumbs, pagination (see [`is_furniture`]).
    pub(crate) furniture: bool,
}

impl<'document> Outline<'document> {
    pub(crate) fn build(document: &'document Html) -> Outline<'document> {
        let mut nodes: Vec<OutlineNode<'document>> = Vec::new();
        // Stack of (outline index, inside an anchor with a usable href).
        let mut open: Vec<(usize, bool)> = Vec::new();
        // Inside an opaque element: how many elements deep, 0 outside.
        let mut opaque_depth = 0usize;
        for edge in document.tree.root().traverse() {
            match edge {
                Edge::Open(node) => {
                    let is_element = matches!(node.value(), Node::Element(_));
                    if opaque_depth > 0 {
                        opaque_depth += usize::from(is_element);
                        continue;
                    }
                    if let Node::Text(text) = node.value() {
                        if let Some(&(index, in_link)) = open.last() {
                            let visible = visible_characters(text) as u32;
                            if visible > 0 {
                                let node = &mut nodes[index];
                                node.text_chars += visible;
                                node.text_nodes += 1;
                                if in_link {
                                    node.link_text_chars += visible;
                                }
                            }
                        }
                        continue;
                    }
                    let Some(element) = ElementRef::wrap(node) else {
                        continue;
                    };
                    let index = nodes.len();
                    let parent = open.last().map(|&(parent, _)| parent);
                    let in_link = open.last().is_some_and(|&(_, in_link)| in_link);
                    let name = element.value().name();
                    let attributes = ElementAttributes::read(element);
                    let is_link = name == "a" && attributes.href.is_some_and(is_usable_href);
                    let parent_furniture = parent.is_some_and(|parent| nodes[parent].furniture);
                    let tag = stable_hash(name.as_bytes());
                    nodes.push(OutlineNode {
                        element,
                        parent,
                        depth: open.len() as u32,
                        subtree_end: index + 1,
                        tag,
                        token: token_of(tag, attributes.class),
                        text_chars: 0,
                        text_nodes: 0,
                        links: u32::from(is_link),
                        is_link,
                        link_text_chars: 0,
                        elements: 1,
                        furniture: parent_furniture || is_furniture(name, &attributes),
                    });
                    if OPAQUE_ELEMENTS.contains(&name) {
                        // A leaf here: its subtree is walked but not recorded.
                        opaque_depth = 1;
                    } else {
                        open.push((index, in_link || is_link));
                    }
                }
                Edge::Close(node) => {
                    if !matches!(node.value(), Node::Element(_)) {
                        continue;
                    }
                    if opaque_depth > 0 {
                        opaque_depth -= 1;
                        continue;
                    }
                    if let Some((index, _)) = open.pop() {
                        nodes[index].subtree_end = nodes.len();
                    }
                }
            }
        }
        // Children come after their parent, so one backwards pass sums subtrees.
        for index in (0..nodes.len()).rev() {
            if let Some(parent) = nodes[index].parent {
                let (text_chars, text_nodes, links, link_text_chars, elements) = {
                    let node = &nodes[index];
                    (
                        node.text_chars,
                        node.text_nodes,
                        node.links,
                        node.link_text_chars,
                        node.elements,
                    )
                };
                let parent = &mut nodes[parent];
                parent.text_chars += text_chars;
                parent.text_nodes += text_nodes;
                parent.links += links;
                parent.link_text_chars += link_text_chars;
                parent.elements += elements;
            }
        }
        Outline { nodes }
    }

    /// The element children of `index`, in order.
    pub(crate) fn children(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.nodes[index].subtree_end;
        let mut next = index + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let child = next;
            next = self.nodes[child].subtree_end;
            Some(child)
        })
    }

    /// Whether `inner` lies in the subtree of `outer` (or is it).
    pub(crate) fn contains(&self, outer: usize, inner: usize) -> bool {
        outer <= inner && inner < self.nodes[outer].subtree_end
    }

    /// The sorted, de-duplicated structure features of the subtree below
    /// `index`, up to `max_depth` levels down: for each element, its own
    /// token (tag and classes) and its bare tag, each after the tag names of
    /// its ancestors up to `index`. Two records of one template share most of these; a banner
    /// among them shares few. Ancestors count by tag name only, so a state
    /// class high in a card (`offer promoted`) changes one feature, not
    /// every feature beneath it. (A pq-gram-like stand-in for the tree edit
    /// distance MDR uses: linear in the subtree instead of quadratic.)
    pub(crate) fn path_features(&self, index: usize, max_depth: u32) -> Vec<u64> {
        let root = &self.nodes[index];
        // Tag-name path hash per position in the subtree.
        let mut tag_paths: Vec<u64> = Vec::new();
        let mut features = Vec::new();
        let mut current = index + 1;
        while current < root.subtree_end {
            let node = &self.nodes[current];
            let relative_depth = node.depth - root.depth;
            if relative_depth > max_depth {
                current = node.subtree_end;
                continue;
            }
            let parent_path = match node.parent {
                Some(parent) if parent != index => tag_paths[parent - index - 1],
                _ => 0,
            };
            // Slots of nodes skipped for depth stay 0: none of them is the
            // parent of a node visited later.
            tag_paths.resize(current - index, 0);
            tag_paths[current - index - 1] = combine(parent_path, node.tag);
            features.push(combine(parent_path, node.token));
            if node.token != node.tag {
                features.push(combine(parent_path, node.tag));
            }
            current += 1;
        }
        features.sort_unstable();
        features.dedup();
        features
    }
}

/// Characters of `text` that are not whitespace; ASCII text is counted by
/// bytes, which is most page text and several times faster.
fn visible_characters(text: &str) -> usize {
    if text.is_ascii() {
        text.bytes()
            .filter(|byte| !byte.is_ascii_whitespace())
            .count()
    } else {
        text.chars()
            .filter(|character| !character.is_whitespace())
            .count()
    }
}

/// |a ∩ b| / |a ∪ b| of two sorted, de-duplicated sets; two empty sets are equal.
pub(crate) fn jaccard(first: &[u64], second: &[u64]) -> f32 {
    if first.is_empty() && second.is_empty() {
        return 1.0;
    }
    let shared = intersection_size(first, second);
    shared as f32 / (first.len() + second.len() - shared) as f32
}

pub(crate) fn intersection_size(first: &[u64], second: &[u64]) -> usize {
    let (mut left, mut right, mut shared) = (0, 0, 0);
    while left < first.len() && right < second.len() {
        match first[left].cmp(&second[right]) {
            std::cmp::Ordering::Less => left += 1,
            std::cmp::Ordering::Greater => right += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                left += 1;
                right += 1;
            }
        }
    }
    shared
}

/// The attributes the outline needs, read in one pass over the element's
/// attribute list (scraper's `classes()` would intern every class name).
struct ElementAttributes<'document> {
    class: Option<&'document str>,
    id: Option<&'document str>,
    role: Option<&'document str>,
    href: Option<&'document str>,
}

impl<'document> ElementAttributes<'document> {
    fn read(element: ElementRef<'document>) -> ElementAttributes<'document> {
        let mut attributes = ElementAttributes {
            class: None,
            id: None,
            role: None,
            href: None,
        };
        for (name, value) in element.value().attrs() {
            match name {
                "class" => attributes.class = Some(value),
                "id" => attributes.id = Some(value),
                "role" => attributes.role = Some(value),
                "href" => attributes.href = Some(value),
                _ => {}
            }
        }
        attributes
    }
}

/// Tag hash plus the class names without digits (`ad_id58213` and
/// `card-3` say which ad, not which kind of element), in any order: the
/// class hashes are mixed and summed, which needs no sorting or allocation.
fn token_of(tag: u64, class: Option<&str>) -> u64 {
    let mut classes: u64 = 0;
    for name in class.unwrap_or("").split_ascii_whitespace() {
        if !name.bytes().any(|byte| byte.is_ascii_digit()) {
            classes = classes.wrapping_add(mix(stable_hash(name.as_bytes())));
        }
    }
    if classes == 0 {
        tag
    } else {
        combine(tag, classes)
    }
}

/// Whether an anchor's `href` can lead to another page.
pub(crate) fn is_usable_href(href: &str) -> bool {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return false;
    }
    let starts_with = |scheme: &str| {
        href.len() >= scheme.len()
            && href.as_bytes()[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
    };
    !["javascript:", "mailto:", "tel:", "data:"]
        .into_iter()
        .any(starts_with)
}

/// Class and id words that mark page furniture around the ads. Matched
/// against whole words of a class or id split at `-`, `_` and case changes
/// are not considered, so `main-nav` and `site_footer` match while
/// `navigator-card` does not.
const FURNITURE_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menubar",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "pager",
    "paging",
    "footer",
];

/// Whether an element is page furniture: a `nav`, `header` or `footer`
/// element, a navigation / banner / content-info role, or a class or id
/// made of a [`FURNITURE_WORDS`] word. `aside` is not: sidebars often show
/// promoted ads of the same kind as the list.
fn is_furniture(name: &str, attributes: &ElementAttributes<'_>) -> bool {
    if matches!(name, "nav" | "header" | "footer") {
        return true;
    }
    if let Some(role) = attributes.role {
        if ["navigation", "banner", "contentinfo", "menu", "menubar"]
            .iter()
            .any(|furniture| role.trim().eq_ignore_ascii_case(furniture))
        {
            return true;
        }
    }
    let is_furniture_word = |word: &str| {
        word.split(['-', '_'])
            .any(|part| FURNITURE_WORDS.iter().any(|f| part.eq_ignore_ascii_case(f)))
    };
    // Most elements have no class or id naming furniture; every furniture
    // word contains one of these fragments, so one scan rules them out.
    let may_name_furniture = |text: &str| {
        let bytes = text.as_bytes();
        [&b"nav"[..], b"menu", b"bread", b"pag", b"footer"]
            .iter()
            .any(|fragment| {
                bytes
                    .windows(fragment.len())
                    .any(|window| window.eq_ignore_ascii_case(fragment))
            })
    };
    let names_furniture = |text: &str| {
        may_name_furniture(text) && text.split_ascii_whitespace().any(is_furniture_word)
    };
    attributes.class.is_some_and(names_furniture) || attributes.id.is_some_and(names_furniture)
}
