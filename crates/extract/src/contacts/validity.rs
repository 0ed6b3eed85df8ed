//! Whether a parsed phone number is valid for its region, as
//! `phonenumber::is_valid` decides it, with the metadata's patterns
//! compiled once per region.
//!
//! Why not call `phonenumber::is_valid`: the crate keeps its compiled
//! patterns in one shared least-recently-used cache of 100 entries, and
//! parsing plus validating one number touches more patterns than that, so
//! every call recompiled regexes (about 12 µs a number on this machine,
//! most of the contact scan's time). The rule here is the crate's own
//! (`validator::is_valid_with` and `number_type`): the region is the one
//! owning the country code, or among regions sharing it the one whose
//! leading-digit pattern or number patterns fit; the number is valid when
//! it fits the region's general pattern and one of its number types, each
//! pattern anchored at the start and gated by the type's possible lengths.
//! A test checks that both agree.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex::{Regex, RegexBuilder};

/// The E.164 form of `number` when it is valid for its region.
pub(super) fn valid_e164(number: &phonenumber::PhoneNumber) -> Option<String> {
    let code = number.code().value();
    let national = number.national().to_string();
    let region = region_for(code, &national)?;
    if !region.is_valid(&national) {
        return None;
    }
    Some(format!("+{code}{national}"))
}

/// One region's patterns, compiled.
struct CompiledRegion {
    leading_digits: Option<Regex>,
    general: CompiledDescriptor,
    /// Every specific number type (fixed line, mobile, toll free, …).
    types: Vec<CompiledDescriptor>,
}

struct CompiledDescriptor {
    pattern: Regex,
    possible_lengths: Vec<u16>,
}

impl CompiledRegion {
    fn is_valid(&self, national: &str) -> bool {
        self.general.is_match(national) && self.types.iter().any(|kind| kind.is_match(national))
    }

    /// `number_type(..) != Unknown`, used to pick among regions sharing a
    /// country code.
    fn fits(&self, national: &str) -> bool {
        self.is_valid(national)
    }
}

impl CompiledDescriptor {
    fn compile(descriptor: &Descriptor) -> Option<CompiledDescriptor> {
        Some(CompiledDescriptor {
            pattern: anchored(descriptor.national_number().as_str())?,
            possible_lengths: descriptor.possible_length().to_vec(),
        })
    }

    fn is_match(&self, national: &str) -> bool {
        let length_fits = self.possible_lengths.is_empty()
            || self
                .possible_lengths
                .contains(&u16::try_from(national.len()).unwrap_or(u16::MAX));
        length_fits && self.pattern.is_match(national)
    }
}

/// The crate matches with `find` and asks for a match at offset 0; an
/// anchored pattern says the same. Its metadata patterns are written with
/// insignificant white space, as the crate compiles them.
fn anchored(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(&format!("^(?:{pattern})"))
        .ignore_whitespace(true)
        .build()
        .ok()
}

fn compile_region(metadata: &Metadata) -> Option<CompiledRegion> {
    let descriptors = metadata.descriptors();
    let types = [
        descriptors.premium_rate(),
        descriptors.toll_free(),
        descriptors.shared_cost(),
        descriptors.voip(),
        descriptors.personal_number(),
        descriptors.pager(),
        descriptors.uan(),
        descriptors.voicemail(),
        descriptors.fixed_line(),
        descriptors.mobile(),
    ]
    .into_iter()
    .flatten()
    .filter_map(CompiledDescriptor::compile)
    .collect();
    Some(CompiledRegion {
        leading_digits: match metadata.leading_digits() {
            Some(pattern) => Some(anchored(pattern.as_str())?),
            None => None,
        },
        general: CompiledDescriptor::compile(descriptors.general())?,
        types,
    })
}

/// Compiled regions by region id ("AT", or "001/800" for the
/// non-geographic code 800), filled on first use of each.
fn compiled(region_id: &str, code: u16) -> Option<Arc<CompiledRegion>> {
    static COMPILED: OnceLock<Mutex<HashMap<String, Option<Arc<CompiledRegion>>>>> =
        OnceLock::new();
    let mut regions = COMPILED
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        // A poisoned lock only means another thread panicked while
        // compiling; the map itself is still a valid cache.
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let non_geographic = region_id == "001";
    let cache_key = if non_geographic {
        format!("001/{code}")
    } else {
        region_id.to_owned()
    };
    regions
        .entry(cache_key)
        .or_insert_with(|| {
            let metadata = if non_geographic {
                DATABASE
                    .by_code(&code)
                    .and_then(|metadata| metadata.into_iter().next())
            } else {
                DATABASE.by_id(region_id)
            };
            metadata.and_then(compile_region).map(Arc::new)
        })
        .clone()
}

/// The region a number with country `code` and national number belongs
/// to, as `validator::source_for` picks it.
fn region_for(code: u16, national: &str) -> Option<Arc<CompiledRegion>> {
    let regions = DATABASE.region(&code)?;
    if regions.len() == 1 {
        return compiled(regions[0], code);
    }
    for region_id in regions {
        let Some(region) = compiled(region_id, code) else {
            continue;
        };
        match &region.leading_digits {
            Some(leading_digits) => {
                if leading_digits.is_match(national) {
                    return Some(region);
                }
            }
            None => {
                if region.fits(national) {
                    return Some(region);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our validity equals the crate's on a spread of numbers and regions,
    /// valid and invalid, shared country codes (+7, +1, +44, +39) included.
    #[test]
    fn agrees_with_phonenumber_is_valid() {
        let cases = [
            ("AT", "06641234567"),
            ("AT", "0316123456"),
            ("AT", "0123"),
            ("AT", "+4366412345678901"),
            ("DE", "015123456789"),
            ("DE", "030123456"),
            ("DE", "0800 1234567"),
            ("FR", "0699123456"),
            ("FR", "0199001234"),
            ("IT", "3471234567"),
            ("IT", "0612345678"),
            ("ES", "612345678"),
            ("RU", "89123456789"),
            ("RU", "+77011234567"),
            ("KZ", "+77011234567"),
            ("GB", "07400123456"),
            ("GB", "07700900123"),
            ("GB", "+447624123456"),
            ("US", "+12025550123"),
            ("CA", "+14165550123"),
            ("VA", "+390669812345"),
            ("UA", "0671234567"),
            ("TR", "05321234567"),
            ("PL", "512345678"),
            ("RO", "0722123456"),
            ("MD", "069123456"),
            ("RS", "0641234567"),
            ("GR", "6912345678"),
            ("AT", "+800 12345678"),
        ];
        for (region, written) in cases {
            let id: phonenumber::country::Id = region.parse().expect("region id");
            let Ok(number) = phonenumber::parse(Some(id), written) else {
                continue;
            };
            let theirs = phonenumber::is_valid(&number)
                .then(|| number.format().mode(phonenumber::Mode::E164).to_string());
            assert_eq!(valid_e164(&number), theirs, "{region} {written}");
        }
    }
}
