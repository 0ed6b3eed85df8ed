//! What a page's text becomes before the HTML parser sees it: smaller, and
//! bounded in what it can cost.
//!
//! html5ever is a faithful HTML5 tree builder, and the standard's algorithm
//! is quadratic in places a hostile page can reach (measured, release
//! build): every block start or end tag walks the stack of open elements, so
//! 16,000 nested `<div>`s (176 kB) take 0.5 s and 64,000 take seconds; the
//! list of active formatting elements is re-created after every closed
//! paragraph, so 8,000 distinct `<b class=…>` followed by `<p>`s (160 kB)
//! build 32 million nodes in 15 s; and duplicate-attribute checks make one
//! tag with 80,000 attributes (700 kB) take 3.4 s. One pass over the text
//! here, modelling the parser's stack and formatting list approximately,
//! leaves out what would make those costs grow:
//!
//! - start tags that would nest deeper than [`MAX_OPEN_ELEMENTS`] (what
//!   Blink caps its tree depth at), text kept;
//! - formatting start tags (`b`, `font`, …) past [`MAX_ACTIVE_FORMATTING`]
//!   live ones, text kept (the standard's "Noah's Ark" clause only catches
//!   identical ones);
//! - attributes past [`MAX_ATTRIBUTES`] on one tag;
//! - text past [`MAX_PARSED_BYTES`].
//!
//! Each cut is counted and reported as a page warning. The same pass drops
//! what no extractor reads, so the parser has less to do: comments, the
//! bodies of `script` (except JSON-LD, which lists ads), `style`,
//! `noscript` and the other raw-text elements, and whitespace-only text
//! between tags (card text is joined word by word, so it cannot tell).
//! Tracking ids are read from the page before this step.
//!
//! The model is approximate on purpose: scope boundaries are ignored, and
//! the implied ends of `p`,
//! `li`, table cells and the like are applied as the standard does in
//! ordinary pages. Ordinary pages, however sloppy, stay far from every cap.

use std::borrow::Cow;

/// Deepest nesting kept; deeper start tags are left out (text kept).
pub const MAX_OPEN_ELEMENTS: usize = 512;
/// Live formatting elements kept (per table cell); more are left out.
pub const MAX_ACTIVE_FORMATTING: usize = 12;
/// Attributes kept on one tag.
pub const MAX_ATTRIBUTES: usize = 256;
/// Page text parsed, in bytes; the rest is left out.
pub const MAX_PARSED_BYTES: usize = 32 * 1024 * 1024;
/// How far down the open elements an end tag looks: all of them (at most
/// [`MAX_OPEN_ELEMENTS`]), so that the model does not drift deeper than the
/// parser on pages that close many elements at once.
const END_TAG_SEARCH: usize = MAX_OPEN_ELEMENTS;
/// How far down the open elements an implied end (`li` closing `li`) looks.
const IMPLIED_END_SEARCH: usize = 12;

/// A page's text, ready to parse, and what was cut from it.
#[derive(Debug)]
pub(crate) struct Prepared<'text> {
    pub(crate) text: Cow<'text, str>,
    /// Start tags left out for nesting deeper than [`MAX_OPEN_ELEMENTS`].
    pub(crate) too_deep: usize,
    /// Formatting start tags left out past [`MAX_ACTIVE_FORMATTING`].
    pub(crate) too_much_formatting: usize,
    /// Tags that lost attributes past [`MAX_ATTRIBUTES`].
    pub(crate) too_many_attributes: usize,
    /// Bytes left out past [`MAX_PARSED_BYTES`].
    pub(crate) truncated_bytes: usize,
}

impl Prepared<'_> {
    /// One warning per kind of cut, in words.
    pub(crate) fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.truncated_bytes > 0 {
            warnings.push(format!(
                "page text longer than {MAX_PARSED_BYTES} bytes: the last {} bytes were not parsed",
                self.truncated_bytes
            ));
        }
        if self.too_deep > 0 {
            warnings.push(format!(
                "page nests elements deeper than {MAX_OPEN_ELEMENTS} levels: {} start tags beyond that were left out before parsing (their text kept)",
                self.too_deep
            ));
        }
        if self.too_much_formatting > 0 {
            warnings.push(format!(
                "page keeps more than {MAX_ACTIVE_FORMATTING} formatting elements open: {} of them were left out before parsing (their text kept)",
                self.too_much_formatting
            ));
        }
        if self.too_many_attributes > 0 {
            warnings.push(format!(
                "{} tags carry more than {MAX_ATTRIBUTES} attributes: the rest were left out before parsing",
                self.too_many_attributes
            ));
        }
        warnings
    }
}

/// Prepares `text` for parsing; see the module doc.
pub(crate) fn prepare(text: &str) -> Prepared<'_> {
    let (text, truncated_bytes) = if text.len() > MAX_PARSED_BYTES {
        let mut cut = MAX_PARSED_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        (&text[..cut], text.len() - cut)
    } else {
        (text, 0)
    };
    let mut reducer = Reducer {
        source: text,
        bytes: text.as_bytes(),
        output: String::with_capacity(text.len()),
        copied_until: 0,
        open: Vec::new(),
        formatting: Vec::new(),
        too_deep: 0,
        too_much_formatting: 0,
        too_many_attributes: 0,
    };
    reducer.run();
    let Reducer {
        output,
        too_deep,
        too_much_formatting,
        too_many_attributes,
        ..
    } = reducer;
    Prepared {
        text: Cow::Owned(output),
        too_deep,
        too_much_formatting,
        too_many_attributes,
        truncated_bytes,
    }
}

/// An open element in the model: its lower-case name hashed, and whether it
/// is foreign content (`svg`, `math`), where `/>` closes a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Open {
    name: u64,
    foreign: bool,
}

/// An entry of the model's list of active formatting elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Formatting {
    /// A table cell, caption or object: formatting inside it ends with it.
    Marker,
    Element(u64),
}

struct Reducer<'text> {
    source: &'text str,
    bytes: &'text [u8],
    output: String,
    /// Source bytes before this index are either in `output` or dropped.
    copied_until: usize,
    open: Vec<Open>,
    formatting: Vec<Formatting>,
    too_deep: usize,
    too_much_formatting: usize,
    too_many_attributes: usize,
}

/// One tag as read from the source.
struct Tag {
    /// Lower-case name, hashed.
    name: u64,
    kind: TagKind,
    /// Index of the byte after the tag's `>` (or the text's end).
    end: usize,
    /// Where the attribute list must be cut to keep [`MAX_ATTRIBUTES`].
    cut_attributes_at: Option<usize>,
    self_closing: bool,
    /// `type="application/ld+json"` on a script.
    json_ld: bool,
}

impl Reducer<'_> {
    fn run(&mut self) {
        let length = self.bytes.len();
        let mut position = 0;
        while position < length {
            let Some(offset) = memchr(b'<', &self.bytes[position..]) else {
                self.text_run(position, length);
                break;
            };
            let lt = position + offset;
            self.text_run(position, lt);
            position = self.markup(lt);
        }
        self.flush(length);
    }

    /// Copies source text up to `end` into the output.
    fn flush(&mut self, end: usize) {
        if end > self.copied_until {
            self.output.push_str(&self.source[self.copied_until..end]);
        }
        self.copied_until = self.copied_until.max(end);
    }

    /// Skips source bytes up to `end` (after copying what precedes `start`).
    fn drop_range(&mut self, start: usize, end: usize) {
        self.flush(start);
        self.copied_until = self.copied_until.max(end);
    }

    /// Text between tags: whitespace-only runs are dropped.
    fn text_run(&mut self, start: usize, end: usize) {
        if start < end
            && self.bytes[start..end]
                .iter()
                .all(|byte| matches!(byte, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c'))
        {
            self.drop_range(start, end);
        }
    }

    /// Handles the markup starting at `lt` (a `<`); returns where to go on.
    fn markup(&mut self, lt: usize) -> usize {
        let rest = &self.bytes[lt..];
        if rest.starts_with(b"<!--") {
            let end =
                find(&self.bytes[lt + 4..], b"-->").map_or(self.bytes.len(), |at| lt + 4 + at + 3);
            self.drop_range(lt, end);
            return end;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            // Doctype, CDATA, bogus comment: kept as it is.
            return memchr(b'>', rest).map_or(self.bytes.len(), |at| lt + at + 1);
        }
        if rest.starts_with(b"</") {
            if rest.get(2).is_some_and(u8::is_ascii_alphabetic) {
                let tag = read_tag(self.bytes, lt + 2);
                self.end_tag(&tag);
                return tag.end;
            }
            // `</>` or `</3`: a bogus comment or text; the parser copes.
            return lt + 2;
        }
        if !rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            return lt + 1;
        }
        let tag = read_tag(self.bytes, lt + 1);
        self.start_tag(lt, &tag)
    }

    fn start_tag(&mut self, lt: usize, tag: &Tag) -> usize {
        match tag.kind {
            TagKind::RawText { keep_body } => {
                self.emit_tag(tag);
                return self.raw_text_body(tag, keep_body || tag.json_ld);
            }
            TagKind::Plaintext => {
                // Everything after it is text.
                self.emit_tag(tag);
                return self.bytes.len();
            }
            TagKind::Void | TagKind::Singleton => {
                self.emit_tag(tag);
                return tag.end;
            }
            _ => {}
        }
        let in_foreign = self.open.last().is_some_and(|open| open.foreign);
        if in_foreign && tag.self_closing {
            self.emit_tag(tag);
            return tag.end;
        }
        self.implied_ends(tag);
        let is_formatting = matches!(tag.kind, TagKind::Formatting | TagKind::Anchor);
        if tag.kind == TagKind::Anchor {
            // A new link ends any open one (the adoption agency).
            self.remove_formatting(tag.name);
            self.pop_to(tag.name, END_TAG_SEARCH);
        }
        if is_formatting {
            let live = self
                .formatting
                .iter()
                .rev()
                .take_while(|entry| **entry != Formatting::Marker)
                .count();
            if live >= MAX_ACTIVE_FORMATTING {
                self.too_much_formatting += 1;
                self.drop_range(lt, tag.end);
                return tag.end;
            }
        }
        if self.open.len() >= MAX_OPEN_ELEMENTS {
            self.too_deep += 1;
            self.drop_range(lt, tag.end);
            return tag.end;
        }
        self.emit_tag(tag);
        if is_formatting {
            self.formatting.push(Formatting::Element(tag.name));
        }
        if tag.kind == TagKind::Cell {
            self.formatting.push(Formatting::Marker);
        }
        self.open.push(Open {
            name: tag.name,
            foreign: in_foreign || tag.kind == TagKind::Foreign,
        });
        tag.end
    }

    /// Copies a kept tag to the output, its attributes cut to
    /// [`MAX_ATTRIBUTES`] when it has more.
    fn emit_tag(&mut self, tag: &Tag) {
        if let Some(cut) = tag.cut_attributes_at {
            self.too_many_attributes += 1;
            self.flush(cut);
            self.output.push('>');
            self.copied_until = tag.end;
        }
    }

    /// The ends the standard implies before a start tag: a block closes an
    /// open paragraph, an item the previous item, a cell the previous cell.
    fn implied_ends(&mut self, tag: &Tag) {
        if tag.kind.closes_paragraph() {
            self.pop_to(names::P, IMPLIED_END_SEARCH);
        }
        match tag.kind {
            TagKind::ListItem => {
                self.pop_to_before_boundary(&[names::LI], &[names::UL, names::OL]);
            }
            TagKind::DefinitionItem => {
                self.pop_to_before_boundary(&[names::DD, names::DT], &[names::DL]);
            }
            TagKind::Heading
                if self
                    .open
                    .last()
                    .is_some_and(|open| names::HEADINGS.contains(&open.name)) =>
            {
                self.open.pop();
            }
            TagKind::Option
                if self
                    .open
                    .last()
                    .is_some_and(|open| open.name == names::OPTION) =>
            {
                self.open.pop();
            }
            TagKind::Cell
                if self.pop_to_before_boundary(
                    &[names::TD, names::TH],
                    &[names::TR, names::TABLE],
                ) =>
            {
                self.clear_formatting_to_marker();
            }
            TagKind::Row if self.pop_to_before_boundary(&[names::TR], &[names::TABLE]) => {
                self.clear_formatting_to_marker();
            }
            _ => {}
        }
    }

    fn end_tag(&mut self, tag: &Tag) {
        if matches!(tag.kind, TagKind::Formatting | TagKind::Anchor) {
            self.remove_formatting(tag.name);
        }
        if self.pop_to(tag.name, END_TAG_SEARCH)
            && matches!(tag.kind, TagKind::Cell | TagKind::Row | TagKind::Table)
        {
            self.clear_formatting_to_marker();
        }
    }

    /// Pops the open elements down to and including the topmost `name`
    /// within `search` entries; false when there is none.
    fn pop_to(&mut self, name: u64, search: usize) -> bool {
        let found = self
            .open
            .iter()
            .rev()
            .take(search)
            .position(|open| open.name == name);
        match found {
            Some(from_top) => {
                let keep = self.open.len() - from_top - 1;
                self.open.truncate(keep);
                true
            }
            None => false,
        }
    }

    /// Pops down to and including the topmost of `names`, unless one of
    /// `boundaries` comes first (within [`IMPLIED_END_SEARCH`]).
    fn pop_to_before_boundary(&mut self, wanted: &[u64], boundaries: &[u64]) -> bool {
        for (from_top, open) in self.open.iter().rev().take(IMPLIED_END_SEARCH).enumerate() {
            if wanted.contains(&open.name) {
                let keep = self.open.len() - from_top - 1;
                self.open.truncate(keep);
                return true;
            }
            if boundaries.contains(&open.name) {
                return false;
            }
        }
        false
    }

    fn remove_formatting(&mut self, name: u64) {
        if let Some(position) = self
            .formatting
            .iter()
            .rposition(|entry| *entry == Formatting::Element(name))
        {
            self.formatting.remove(position);
        }
    }

    fn clear_formatting_to_marker(&mut self) {
        while let Some(entry) = self.formatting.pop() {
            if entry == Formatting::Marker {
                break;
            }
        }
    }

    /// A raw-text element (`script`, `style`, `textarea`, …): its body runs
    /// to the matching end tag. Kept for `title`, `textarea` and JSON-LD,
    /// dropped otherwise. Returns where its end tag ends.
    fn raw_text_body(&mut self, tag: &Tag, keep: bool) -> usize {
        let body_start = tag.end;
        let (body_end, end_tag_end) = match find_end_tag(self.bytes, body_start, tag.name) {
            Some(found) => found,
            None => (self.bytes.len(), self.bytes.len()),
        };
        if !keep {
            self.drop_range(body_start, body_end);
        }
        end_tag_end
    }
}

/// What the model needs to know about a tag name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// No content, never open (`br`, `img`, …).
    Void,
    /// `html`, `head`, `body`: one each, never counted.
    Singleton,
    RawText {
        keep_body: bool,
    },
    Plaintext,
    Formatting,
    Anchor,
    Foreign,
    /// Starts a block, closing an open paragraph.
    Block,
    ListItem,
    DefinitionItem,
    Heading,
    Option,
    Cell,
    Row,
    Table,
    Other,
}

impl TagKind {
    fn closes_paragraph(self) -> bool {
        matches!(
            self,
            TagKind::Block
                | TagKind::ListItem
                | TagKind::DefinitionItem
                | TagKind::Heading
                | TagKind::Table
        )
    }
}

/// Hashes of the names the model compares with.
mod names {
    use super::hash_name;

    pub(super) const P: u64 = hash_name(b"p");
    pub(super) const LI: u64 = hash_name(b"li");
    pub(super) const UL: u64 = hash_name(b"ul");
    pub(super) const OL: u64 = hash_name(b"ol");
    pub(super) const DD: u64 = hash_name(b"dd");
    pub(super) const DT: u64 = hash_name(b"dt");
    pub(super) const DL: u64 = hash_name(b"dl");
    pub(super) const TD: u64 = hash_name(b"td");
    pub(super) const TH: u64 = hash_name(b"th");
    pub(super) const TR: u64 = hash_name(b"tr");
    pub(super) const TABLE: u64 = hash_name(b"table");
    pub(super) const OPTION: u64 = hash_name(b"option");
    pub(super) const HEADINGS: [u64; 6] = [
        hash_name(b"h1"),
        hash_name(b"h2"),
        hash_name(b"h3"),
        hash_name(b"h4"),
        hash_name(b"h5"),
        hash_name(b"h6"),
    ];
}

fn kind_of(name: &[u8]) -> TagKind {
    match name {
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link"
        | b"meta" | b"param" | b"source" | b"track" | b"wbr" | b"keygen" | b"basefont"
        | b"bgsound" | b"frame" | b"image" => TagKind::Void,
        b"html" | b"head" | b"body" | b"frameset" => TagKind::Singleton,
        b"title" | b"textarea" => TagKind::RawText { keep_body: true },
        b"script" | b"style" | b"noscript" | b"xmp" | b"iframe" | b"noembed" | b"noframes" => {
            TagKind::RawText { keep_body: false }
        }
        b"plaintext" => TagKind::Plaintext,
        b"a" => TagKind::Anchor,
        b"b" | b"big" | b"code" | b"em" | b"font" | b"i" | b"nobr" | b"s" | b"small"
        | b"strike" | b"strong" | b"tt" | b"u" => TagKind::Formatting,
        b"svg" | b"math" => TagKind::Foreign,
        b"address" | b"article" | b"aside" | b"blockquote" | b"center" | b"details" | b"dialog"
        | b"dir" | b"div" | b"dl" | b"fieldset" | b"figcaption" | b"figure" | b"footer"
        | b"form" | b"header" | b"hgroup" | b"listing" | b"main" | b"menu" | b"nav" | b"ol"
        | b"p" | b"pre" | b"search" | b"section" | b"summary" | b"ul" => TagKind::Block,
        b"li" => TagKind::ListItem,
        b"dd" | b"dt" => TagKind::DefinitionItem,
        b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => TagKind::Heading,
        b"option" => TagKind::Option,
        b"td" | b"th" | b"caption" => TagKind::Cell,
        b"tr" => TagKind::Row,
        b"table" => TagKind::Table,
        _ => TagKind::Other,
    }
}

/// FNV-1a of a lower-case ASCII name.
const fn hash_name(name: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut index = 0;
    while index < name.len() {
        hash ^= name[index].to_ascii_lowercase() as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        index += 1;
    }
    hash
}

/// Reads the tag whose name starts at `name_start` (just after `<` or
/// `</`): its name, its end (after `>`, honouring quoted attribute values
/// as the tokenizer does) and where to cut its attributes.
fn read_tag(bytes: &[u8], name_start: usize) -> Tag {
    let mut position = name_start;
    while position < bytes.len()
        && !matches!(
            bytes[position],
            b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'/' | b'>'
        )
    {
        position += 1;
    }
    let name = &bytes[name_start..position];
    // Names the model knows are short; longer ones are hashed as they are.
    let mut lower = [0u8; 16];
    let kind = if name.len() <= lower.len() {
        for (slot, byte) in lower.iter_mut().zip(name) {
            *slot = byte.to_ascii_lowercase();
        }
        kind_of(&lower[..name.len()])
    } else {
        TagKind::Other
    };
    let mut tag = Tag {
        name: hash_name(name),
        kind,
        end: bytes.len(),
        cut_attributes_at: None,
        self_closing: false,
        json_ld: false,
    };
    let is_script =
        kind == TagKind::RawText { keep_body: false } && name.eq_ignore_ascii_case(b"script");
    let mut attributes = 0usize;
    loop {
        // Between attributes.
        while position < bytes.len()
            && matches!(bytes[position], b' ' | b'\n' | b'\r' | b'\t' | b'\x0c')
        {
            position += 1;
        }
        match bytes.get(position) {
            None => return tag,
            Some(b'>') => {
                tag.end = position + 1;
                return tag;
            }
            Some(b'/') => {
                position += 1;
                tag.self_closing = bytes.get(position) == Some(&b'>');
                continue;
            }
            Some(_) => {}
        }
        let attribute_start = position;
        attributes += 1;
        if attributes > MAX_ATTRIBUTES && tag.cut_attributes_at.is_none() {
            tag.cut_attributes_at = Some(attribute_start);
        }
        // The name: a leading `=` belongs to it, as in the tokenizer.
        position += 1;
        while position < bytes.len()
            && !matches!(
                bytes[position],
                b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'/' | b'>' | b'='
            )
        {
            position += 1;
        }
        let attribute_name = &bytes[attribute_start..position];
        let mut after_name = position;
        while after_name < bytes.len()
            && matches!(bytes[after_name], b' ' | b'\n' | b'\r' | b'\t' | b'\x0c')
        {
            after_name += 1;
        }
        if bytes.get(after_name) != Some(&b'=') {
            position = after_name;
            continue;
        }
        position = after_name + 1;
        while position < bytes.len()
            && matches!(bytes[position], b' ' | b'\n' | b'\r' | b'\t' | b'\x0c')
        {
            position += 1;
        }
        let value_start;
        let value_end;
        match bytes.get(position) {
            Some(&quote @ (b'"' | b'\'')) => {
                value_start = position + 1;
                value_end =
                    memchr(quote, &bytes[value_start..]).map_or(bytes.len(), |at| value_start + at);
                position = (value_end + 1).min(bytes.len());
            }
            _ => {
                value_start = position;
                while position < bytes.len()
                    && !matches!(
                        bytes[position],
                        b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'>'
                    )
                {
                    position += 1;
                }
                value_end = position;
            }
        }
        if is_script && attribute_name.eq_ignore_ascii_case(b"type") {
            let value = trim_ascii(&bytes[value_start..value_end]);
            tag.json_ld = value.eq_ignore_ascii_case(b"application/ld+json");
        }
    }
}

/// Where the body of the raw-text element `name` ends (its `</name` whose
/// name is followed by whitespace, `/` or `>`), and where that end tag
/// ends; None when it is never closed.
fn find_end_tag(bytes: &[u8], from: usize, name: u64) -> Option<(usize, usize)> {
    let mut position = from;
    while let Some(offset) = find(&bytes[position..], b"</") {
        let start = position + offset;
        let name_start = start + 2;
        let mut name_end = name_start;
        while name_end < bytes.len() && bytes[name_end].is_ascii_alphanumeric() {
            name_end += 1;
        }
        let terminated = matches!(
            bytes.get(name_end),
            None | Some(b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'/' | b'>')
        );
        if name_end > name_start && terminated && hash_name(&bytes[name_start..name_end]) == name {
            let end = memchr(b'>', &bytes[name_end..]).map_or(bytes.len(), |at| name_end + at + 1);
            return Some((start, end));
        }
        position = start + 2;
    }
    None
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace())
        .map_or(start, |position| position + 1);
    &bytes[start..end]
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&byte| byte == needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut position = 0;
    while let Some(offset) = memchr(first, &haystack[position..]) {
        let start = position + offset;
        if haystack[start..].starts_with(needle) {
            return Some(start);
        }
        position = start + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(prepare(input).text, expected, "{input:?}");
    }

    #[test]
    fn drops_what_no_extractor_reads() {
        check(
            "<html>\n <head><title>A  b</title><style>p{}</style>\n<script>var a='<div>';</script>",
            "<html><head><title>A  b</title><style></style><script></script>",
        );
        check(
            "<p>one <!-- <div> --> two</p>\n\n<p>three</p>",
            "<p>one  two</p><p>three</p>",
        );
        check(
            "<script type=\"application/ld+json\">{\"a\":\"<b>\"}</script>",
            "<script type=\"application/ld+json\">{\"a\":\"<b>\"}</script>",
        );
        check("<div title='a > b'>x</div>", "<div title='a > b'>x</div>");
        check("<textarea> <b> </textarea>", "<textarea> <b> </textarea>");
        check("a < b and <3 but <!-- open", "a < b and <3 but ");
        check("<pre>\n  x\n</pre>", "<pre>\n  x\n</pre>");
    }

    #[test]
    fn ordinary_sloppy_pages_are_left_whole() {
        let list: String = (0..2_000)
            .map(|index| format!("<li><p>item {index}"))
            .collect();
        let table: String = (0..2_000)
            .map(|index| format!("<tr><td><font size=2><b>cell {index}<td>more"))
            .collect();
        let page = format!("<ul>{list}</ul><table>{table}</table>");
        let prepared = prepare(&page);
        assert_eq!(prepared.text, page);
        assert!(prepared.warnings().is_empty(), "{:?}", prepared.warnings());
    }

    #[test]
    fn hostile_nesting_formatting_and_attributes_are_capped() {
        let deep = "<div>".repeat(2_000) + "text";
        let prepared = prepare(&deep);
        assert_eq!(prepared.too_deep, 2_000 - MAX_OPEN_ELEMENTS);
        assert!(prepared.text.ends_with("<div>text"));

        let formatting: String = (0..100)
            .map(|index| format!("<b class=c{index}>x<p>y"))
            .collect();
        let prepared = prepare(&formatting);
        assert_eq!(prepared.too_much_formatting, 100 - MAX_ACTIVE_FORMATTING);
        assert!(prepared.text.contains("xy") || prepared.text.contains("x<p>y"));

        let attributes: String = (0..1_000).map(|index| format!(" a{index}=\"v\"")).collect();
        let tag = format!("<div{attributes}>x</div>");
        let prepared = prepare(&tag);
        assert_eq!(prepared.too_many_attributes, 1);
        assert!(prepared.text.ends_with(">x</div>"));
        assert_eq!(prepared.warnings().len(), 1);
    }

    #[test]
    fn links_close_open_links() {
        let links = "<a href=1>one".repeat(1_000);
        let prepared = prepare(&links);
        assert_eq!(prepared.text, links);
        assert!(prepared.warnings().is_empty());
    }
}
