//! People are git identities written `Name <email>` and matched by email.

use std::fmt;

/// A git identity, `Name <email>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Person {
    name: String,
    email: String,
}

impl Person {
    /// Builds a person from a name and an email.
    pub fn new(name: &str, email: &str) -> Self {
        Person {
            name: name.trim().to_string(),
            email: email.trim().to_string(),
        }
    }

    /// Parses `Name <email>`; the message says what form is expected.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bad = || format!("`{text}` is not a person; write `Name <email@example.com>`");
        let open = text.find('<').ok_or_else(bad)?;
        if !text.ends_with('>') {
            return Err(bad());
        }
        let name = text[..open].trim();
        let email = text[open + 1..text.len() - 1].trim();
        let valid_email = email.contains('@')
            && !email.starts_with('@')
            && !email.ends_with('@')
            && !email.contains(|c: char| c.is_whitespace() || c == '<' || c == '>');
        if name.is_empty() || name.contains(['<', '>']) || !valid_email {
            return Err(bad());
        }
        Ok(Person::new(name, email))
    }

    /// Returns the email, which is what identifies the person.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// Returns the display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns true when both are the same person (the same email, [`emails_match`]).
    pub fn same_as(&self, other: &Person) -> bool {
        emails_match(&self.email, &other.email)
    }

    /// Returns true when the email matches ([`emails_match`]).
    pub fn has_email(&self, email: &str) -> bool {
        emails_match(&self.email, email)
    }
}

/// Returns true when two emails name the same mailbox: the part before the
/// `@` exactly, the domain in any case (domains are case-insensitive; a
/// mailbox need not be, and a looser match would let one person pass for
/// another).
pub fn emails_match(a: &str, b: &str) -> bool {
    match (a.rsplit_once('@'), b.rsplit_once('@')) {
        (Some((la, da)), Some((lb, db))) => la == lb && da.eq_ignore_ascii_case(db),
        _ => a == b,
    }
}

/// Returns the first invisible or format character in the email of a
/// person (`Name <email>`) or in a bare email: zero-width spaces and
/// joiners, the word joiner, the byte-order mark, bidirectional controls,
/// soft hyphens, variation selectors, tags and control characters. Identity
/// is the email, and one such character makes two emails that print alike
/// compare unequal, so a person could pass for someone else. (A name does
/// not decide identity; output shows its characters escaped.)
pub fn invisible(text: &str) -> Option<char> {
    let email = match (text.find('<'), text.rfind('>')) {
        (Some(a), Some(b)) if a < b => &text[a..=b],
        _ => text,
    };
    email.chars().find(|c| c.is_control()).or_else(|| {
        email.chars().find(|&c| {
            matches!(
                c as u32,
                0x00AD
                    | 0x034F
                    | 0x061C
                    | 0x115F
                    | 0x1160
                    | 0x17B4
                    | 0x17B5
                    | 0x180B..=0x180F
                    | 0x200B..=0x200F
                    | 0x202A..=0x202E
                    | 0x2060..=0x206F
                    | 0x3164
                    | 0xFE00..=0xFE0F
                    | 0xFEFF
                    | 0xFFA0
                    | 0xFFF9..=0xFFFB
                    | 0x1D173..=0x1D17A
                    | 0xE0000..=0xE0FFF
            )
        })
    })
}

/// Describes the characters that make an email a possible look-alike: letters
/// outside ASCII mixed with ASCII letters (a Cyrillic `а` among Latin ones).
/// `None` for an ordinary email, and for one written wholly in another script.
pub fn lookalike(email: &str) -> Option<String> {
    let ascii = email.chars().any(|c| c.is_ascii_alphabetic());
    let others: Vec<char> = email.chars().filter(|c| !c.is_ascii() && c.is_alphabetic()).collect();
    if !ascii || others.is_empty() {
        return None;
    }
    let mut codes: Vec<String> = others
        .iter()
        .map(|c| format!("`{c}` U+{:04X}", u32::from(*c)))
        .collect();
    codes.dedup();
    Some(codes.join(", "))
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

crate::text_serde::serde_as_text!(
    Person,
    Person::parse,
    description: "A git identity: `Name <email>`, matched by email.",
    pattern: "^[^<>]*[^<>\\s][^<>]*<\\s*[^<>\\s@][^<>\\s]*@[^<>\\s]*[^<>\\s@]\\s*>\\s*$"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_name_and_email() {
        let p = Person::parse("Jane Doe <jane@example.com>").unwrap();
        assert_eq!(p.name(), "Jane Doe");
        assert_eq!(p.email(), "jane@example.com");
        assert_eq!(p.to_string(), "Jane Doe <jane@example.com>");
    }

    #[test]
    fn rejects_missing_email() {
        assert!(Person::parse("Jane Doe").is_err());
        assert!(Person::parse("<jane@example.com>").is_err());
        assert!(Person::parse("Jane <jane>").is_err());
    }
}
