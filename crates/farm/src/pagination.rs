//! How listing pages are addressed: `?page=N`, `/page/N/`, an offset, a
//! "next" link only (`?p=N`), a "load more" link (`?more=N`) or an opaque
//! cursor. Page 1 is always the listing prefix itself, so no page has two
//! spellings; a path parses only if it is exactly how the page is linked.

use serde::{Deserialize, Serialize};

/// One site's pagination style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaginationStyle {
    /// `/wien/?page=3`, with numbered links.
    PageQuery,
    /// `/listings/personal/page/3/`, with numbered links.
    PathSegment,
    /// `/latest/?offset=80`, with numbered links.
    Offset,
    /// `/board/reviews/?p=3`, with a "next" link only.
    NextOnly,
    /// `/members/?more=3`, with a "load more" link only.
    LoadMore,
    /// `/explore/?cursor=a28`, with a "next" link only.
    Cursor,
}

impl PaginationStyle {
    /// Path of page `page_number` (1-based) of a listing with `per_page` ads a page.
    pub(crate) fn path(self, prefix: &str, page_number: usize, per_page: usize) -> String {
        if page_number <= 1 {
            return prefix.to_owned();
        }
        let skipped = (page_number - 1) * per_page;
        match self {
            PaginationStyle::PageQuery => format!("{prefix}?page={page_number}"),
            PaginationStyle::PathSegment => format!("{prefix}page/{page_number}/"),
            PaginationStyle::Offset => format!("{prefix}?offset={skipped}"),
            PaginationStyle::NextOnly => format!("{prefix}?p={page_number}"),
            PaginationStyle::LoadMore => format!("{prefix}?more={page_number}"),
            PaginationStyle::Cursor => format!("{prefix}?cursor=a{}", base36(skipped as u64)),
        }
    }

    /// The page number `path` names, if it is a page of `page_count`.
    pub(crate) fn parse(
        self,
        prefix: &str,
        path: &str,
        per_page: usize,
        page_count: usize,
    ) -> Option<usize> {
        let rest = path.strip_prefix(prefix)?;
        let page_number = if rest.is_empty() {
            1
        } else {
            let number = |text: &str| text.parse::<usize>().ok();
            match self {
                PaginationStyle::PageQuery => number(rest.strip_prefix("?page=")?)?,
                PaginationStyle::PathSegment => {
                    number(rest.strip_prefix("page/")?.strip_suffix('/')?)?
                }
                PaginationStyle::Offset => {
                    number(rest.strip_prefix("?offset=")?)? / per_page.max(1) + 1
                }
                PaginationStyle::NextOnly => number(rest.strip_prefix("?p=")?)?,
                PaginationStyle::LoadMore => number(rest.strip_prefix("?more=")?)?,
                PaginationStyle::Cursor => {
                    let skipped = from_base36(rest.strip_prefix("?cursor=a")?)?;
                    (skipped as usize) / per_page.max(1) + 1
                }
            }
        };
        ((1..=page_count).contains(&page_number)
            && self.path(prefix, page_number, per_page) == path)
            .then_some(page_number)
    }

    /// Whether pages link to every other page by number.
    pub(crate) fn numbered(self) -> bool {
        matches!(
            self,
            PaginationStyle::PageQuery | PaginationStyle::PathSegment | PaginationStyle::Offset
        )
    }
}

fn base36(mut number: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut text = Vec::new();
    loop {
        text.push(DIGITS[(number % 36) as usize]);
        number /= 36;
        if number == 0 {
            break;
        }
    }
    text.reverse();
    String::from_utf8_lossy(&text).into_owned()
}

fn from_base36(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 12 {
        return None;
    }
    u64::from_str_radix(text, 36).ok()
}

#[cfg(test)]
mod tests {
    use super::PaginationStyle;

    #[test]
    fn paths_round_trip_and_other_spellings_do_not_parse() {
        let styles = [
            PaginationStyle::PageQuery,
            PaginationStyle::PathSegment,
            PaginationStyle::Offset,
            PaginationStyle::NextOnly,
            PaginationStyle::LoadMore,
            PaginationStyle::Cursor,
        ];
        for style in styles {
            for page in 1..=40 {
                let path = style.path("/l/", page, 25);
                assert_eq!(
                    style.parse("/l/", &path, 25, 40),
                    Some(page),
                    "{style:?} {path}"
                );
            }
            assert_eq!(style.parse("/l/", &style.path("/l/", 41, 25), 25, 40), None);
            assert_eq!(style.parse("/l/", "/other/", 25, 40), None);
        }
        let check = |style: PaginationStyle, path: &str, expected: Option<usize>| {
            assert_eq!(
                style.parse("/l/", path, 25, 40),
                expected,
                "{style:?} {path}"
            );
        };
        check(PaginationStyle::PageQuery, "/l/?page=1", None);
        check(PaginationStyle::PageQuery, "/l/?page=02", None);
        check(PaginationStyle::Offset, "/l/?offset=30", None);
        check(PaginationStyle::Offset, "/l/?offset=50", Some(3));
        check(PaginationStyle::PathSegment, "/l/page/3", None);
        check(PaginationStyle::Cursor, "/l/?cursor=a1e", Some(3));
        assert_eq!(PaginationStyle::Cursor.path("/l/", 3, 25), "/l/?cursor=a1e");
    }
}
