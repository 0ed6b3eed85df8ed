//! Every phone number in the truth is valid for its country's numbering
//! plan (the `phonenumber` crate, libphonenumber's metadata), and every
//! printed form — national, international and each obscured one — recovers
//! to the truth's E.164 with the site's country as the default region.

use cartograph_farm::{digit_words, Farm, FarmSpec, PhoneFormat};

/// Undoes what ads do to numbers: words for digits in the site's language,
/// look-alike letters, separators.
fn recover_digits(shown: &str, language: &str) -> String {
    let words = digit_words(language).expect("farm language");
    let mut digits = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, digits: &mut String| {
        if word.is_empty() {
            return;
        }
        let lowercase = word.to_lowercase();
        if let Some(digit) = words.iter().position(|candidate| *candidate == lowercase) {
            digits.push(char::from(b'0' + digit as u8));
        } else {
            for character in word.chars() {
                match character {
                    'O' | 'o' | 'О' | 'о' => digits.push('0'),
                    'l' | 'I' | 'i' => digits.push('1'),
                    other => {
                        panic!("{other:?} in {shown:?} is neither a digit word nor a look-alike")
                    }
                }
            }
        }
        word.clear();
    };
    for character in shown.chars() {
        if character.is_alphabetic() || character == '\'' {
            word.push(character);
        } else {
            flush(&mut word, &mut digits);
            if character.is_ascii_digit() || character == '+' {
                digits.push(character);
            }
        }
    }
    flush(&mut word, &mut digits);
    digits
}

#[test]
fn every_phone_is_valid_and_every_form_recovers_to_its_e164() {
    let farm = Farm::new(FarmSpec {
        seed: 12,
        sites: 40,
        day: 1,
    });
    let mut formats_seen = std::collections::BTreeSet::new();
    let mut checked = 0;
    for (index, site) in farm.sites().iter().enumerate() {
        let truth = farm.site_truth(index);
        let site_region: phonenumber::country::Id = site.country.parse().expect("country");
        for ad in &truth.ads {
            let Some(phone) = &ad.phone else { continue };
            let region: phonenumber::country::Id = phone.country.parse().expect("country");
            let number = phonenumber::parse(Some(region), &phone.e164).expect("e164 parses");
            assert!(phonenumber::is_valid(&number), "{} invalid", phone.e164);
            assert_eq!(
                number.format().mode(phonenumber::Mode::E164).to_string(),
                phone.e164
            );
            let recovered = recover_digits(&phone.shown, &ad.language);
            let parsed = phonenumber::parse(Some(site_region), &recovered)
                .unwrap_or_else(|error| panic!("{:?} → {recovered}: {error:?}", phone.shown));
            assert_eq!(
                parsed.format().mode(phonenumber::Mode::E164).to_string(),
                phone.e164,
                "{:?} on {}",
                phone.shown,
                site.id
            );
            assert_eq!(phone.obscured, phone.format.is_obscured());
            if phone.obscured {
                // A plain search for the number's digits finds no run of them.
                let longest_run = phone
                    .shown
                    .split(|character: char| !character.is_ascii_digit())
                    .map(str::len)
                    .max()
                    .unwrap_or(0);
                let digits = phone.e164.len() - 1;
                assert!(
                    longest_run < digits - 4,
                    "{:?} hides its digits",
                    phone.shown
                );
            }
            assert!(ad.contact_groups.contains(&format!("tel:{}", phone.e164)));
            formats_seen.insert(phone.format);
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked}");
    for format in [
        PhoneFormat::National,
        PhoneFormat::International,
        PhoneFormat::Words,
        PhoneFormat::Separators,
        PhoneFormat::LookAlike,
        PhoneFormat::Mixed,
    ] {
        assert!(formats_seen.contains(&format), "{format:?} never drawn");
    }
}

#[test]
fn obscured_forms_recover() {
    assert_eq!(recover_digits("null sechs sechs vier", "de"), "0664");
    assert_eq!(recover_digits("O664 Ol23", "de"), "06640123");
    assert_eq!(recover_digits("0.6.6.4 / 0.1", "en"), "066401");
    assert_eq!(recover_digits("дев'ять п'ять", "uk"), "95");
    assert_eq!(recover_digits("8 999 ноль-один", "ru"), "899901");
}
