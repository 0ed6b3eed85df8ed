//! The one pattern language the farm needs: `*` matches any run of
//! characters (`/` and `?` included) and every other character matches only
//! itself. Listing patterns use it whole; robots.txt rules add `$` on top.

/// True when `pattern` matches all of `text`.
pub(crate) fn wildcard_matches(pattern: &str, text: &str) -> bool {
    let pattern = pattern.as_bytes();
    let text = text.as_bytes();
    let (mut pattern_index, mut text_index) = (0, 0);
    // Where to resume after the last `*`: its position and the text position
    // it has been stretched to so far.
    let mut last_star: Option<(usize, usize)> = None;
    while text_index < text.len() {
        if pattern_index < pattern.len() && pattern[pattern_index] == b'*' {
            last_star = Some((pattern_index, text_index));
            pattern_index += 1;
        } else if pattern_index < pattern.len() && pattern[pattern_index] == text[text_index] {
            pattern_index += 1;
            text_index += 1;
        } else if let Some((star_index, stretched_to)) = last_star {
            pattern_index = star_index + 1;
            text_index = stretched_to + 1;
            last_star = Some((star_index, stretched_to + 1));
        } else {
            return false;
        }
    }
    pattern[pattern_index..].iter().all(|&byte| byte == b'*')
}

#[cfg(test)]
mod tests {
    use super::wildcard_matches;

    #[test]
    fn wildcard_cases() {
        let check = |pattern: &str, text: &str, expected: bool| {
            assert_eq!(
                wildcard_matches(pattern, text),
                expected,
                "pattern {pattern:?} against {text:?}"
            );
        };
        check("http://h/listing/*", "http://h/listing/", true);
        check(
            "http://h/listing/*",
            "http://h/listing/page/2/?sort=new",
            true,
        );
        check("http://h/listing/*", "http://h/listing", false);
        check("http://h/listing/*", "http://h/ad/1", false);
        check("http://h/wien/", "http://h/wien/", true);
        check("http://h/wien/", "http://h/wien/?page=2", false);
        check("http://h/wien/?page=*", "http://h/wien/?page=2", true);
        check("http://h/wien/?page=*", "http://h/wien/ad/1", false);
        check("*", "", true);
        check("", "", true);
        check("", "a", false);
        check("a*b*c", "aXbYbZc", true);
        check("a*b*c", "aXbYbZ", false);
        check("/*?sort=", "/wien/?sort=", true);
        check("a?b", "axb", false);
    }
}
