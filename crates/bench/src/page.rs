//! A realistic Microsoft Graph `GET /users` page, generated at run time: deterministic
//! (a seeded xorshift, the same bytes for the same `(users, seed)`), nothing from the
//! network and nothing stored in the repository.
//!
//! Each user has about 39 members, like Graph's answer to a `$select` of the commonly
//! read properties: GUIDs, names with non-ASCII letters written raw or as `\u00e9` escapes
//! and with `\"`, e-mail addresses, `businessPhones`/`proxyAddresses` arrays,
//! `DateTimeOffset`s with 7 fraction digits, booleans, `null`s, nested complex values
//! (`assignedLicenses`, `assignedPlans`, `passwordProfile`, `onPremisesExtensionAttributes`,
//! `identities`, `provisionedPlans`, `signInActivity`), enums (in `mailboxSettings`, on
//! every third user), an `@odata.etag` and members no schema declares (a directory
//! extension, with its `…@odata.type` annotation).

/// The users of the benchmark's page: Graph's largest `$top` is 999.
pub const DEFAULT_USERS: usize = 999;

/// The seed of every page the benchmark uses.
pub const SEED: u64 = 0x5EED_0DA7_A12C_0001;

/// A `/users` page of `users` users, as the service's bytes.
pub fn users_page(users: usize, seed: u64) -> Vec<u8> {
    page(seed, users * 3300, |n, _| n < users)
}

/// A page of at least `bytes` bytes (the memory measurement's 30 MB page): users are
/// added until it is that long.
pub fn users_page_of_size(bytes: usize, seed: u64) -> Vec<u8> {
    page(seed, bytes + 8192, |_, len| len < bytes)
}

/// Writes users while `more(users so far, bytes so far)`.
fn page(seed: u64, capacity: usize, more: impl Fn(usize, usize) -> bool) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(capacity);
    out.push_str(
        "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users\",\
         \"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/users?$top=999&$skiptoken=",
    );
    for _ in 0..8 {
        out.push_str(&format!("{:016X}", rng.next()));
    }
    out.push_str("\",\"value\":[");
    let mut users = 0;
    while more(users, out.len()) {
        if users > 0 {
            out.push(',');
        }
        user(&mut out, &mut rng, users);
        users += 1;
    }
    out.push_str("]}");
    out.into_bytes()
}

/// xorshift64* (Vigna): enough for varied, reproducible data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn guid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }

    /// `2024-01-15T08:30:00.1234567Z`, or without fraction (as Graph writes
    /// `createdDateTime`) when `fraction` is false.
    fn date_time(&mut self, fraction: bool) -> String {
        let date = format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}",
            2018 + self.below(8),
            1 + self.below(12),
            1 + self.below(28),
            self.below(24),
            self.below(60),
            self.below(60)
        );
        if fraction {
            format!("{date}.{:07}Z", self.below(10_000_000))
        } else {
            format!("{date}Z")
        }
    }
}

const GIVEN: &[&str] = &[
    "Adele",
    "Alex",
    "Bianca",
    "Chloé",
    "Debra",
    "Émile",
    "Françoise",
    "Grady",
    "Henrietta",
    "Isaiah",
    "Jürgen",
    "Kåre",
    "Lidia",
    "Megan",
    "Nestor",
    "Øystein",
    "Patti",
    "Raúl",
    "Søren",
    "Zoë",
    "Łukasz",
    "Mónica",
    "Дмитрий",
    "美咲",
];
const SURNAMES: &[&str] = &[
    "Vance",
    "Wilber",
    "Pinto",
    "Adams",
    "Gonçalves",
    "Müller",
    "Brontë",
    "Nguyễn",
    "O'Brien",
    "Dupré",
    "Núñez",
    "Björk",
    "Kowalski",
    "Иванова",
    "佐藤",
    "Lindqvist",
    "Zieliński",
    "Hernández",
];
const NICKNAMES: &[&str] = &["", "", "", " \"AJ\"", " \"Bea\"", " (she/her)", " \\ ext"];
const DEPARTMENTS: &[&str] = &[
    "Sales & Marketing",
    "Engineering",
    "Finance",
    "Recherche et développement",
    "Legal",
    "Human Resources",
    "Retail",
    "Operations",
    "IT",
];
const TITLES: &[&str] = &[
    "Marketing Assistant",
    "Retail Manager",
    "Senior Software Engineer",
    "Directeur général",
    "Paralegal",
    "Product Manager",
    "Accountant",
    "Technician \"Level 2\"",
];
/// City, state, country, usage location (ISO 3166 code).
const CITIES: &[(&str, &str, &str, &str)] = &[
    ("Redmond", "WA", "United States", "US"),
    ("Bellevue", "WA", "United States", "US"),
    ("Zürich", "ZH", "Switzerland", "CH"),
    ("Montréal", "QC", "Canada", "CA"),
    ("München", "BY", "Germany", "DE"),
    ("São Paulo", "SP", "Brazil", "BR"),
    ("Kraków", "MA", "Poland", "PL"),
    ("Tōkyō", "13", "Japan", "JP"),
];
const SERVICES: &[&str] = &[
    "exchange",
    "SharePoint",
    "MicrosoftOffice",
    "TeamspaceAPI",
    "ProcessSimple",
    "AADPremiumService",
    "MicrosoftCommunicationsOnline",
    "Adallom",
    "RMSOnline",
    "YammerEnterprise",
];
const LANGUAGES: &[&str] = &[
    "en-US", "fr-CA", "de-DE", "pt-BR", "pl-PL", "ja-JP", "de-CH",
];
const DAYS: &[&str] = &[
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// `s` as a JSON string literal. When `escape_non_ascii`, `é` and the other non-ASCII
/// letters are written as `\u00e9` (surrogate pairs above the BMP), as some services do.
fn string(out: &mut String, s: &str, escape_non_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if escape_non_ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `"key":` (after a comma unless first).
fn key(out: &mut String, first: &mut bool, name: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    out.push('"');
    out.push_str(name);
    out.push_str("\":");
}

/// A JSON object built member by member.
struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    fn new(out: &'a mut String) -> Obj<'a> {
        out.push('{');
        Obj { out, first: true }
    }
    fn str(&mut self, name: &str, value: &str) -> &mut Self {
        key(self.out, &mut self.first, name);
        string(self.out, value, false);
        self
    }
    fn escaped(&mut self, name: &str, value: &str, escape_non_ascii: bool) -> &mut Self {
        key(self.out, &mut self.first, name);
        string(self.out, value, escape_non_ascii);
        self
    }
    fn opt(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.str(name, v),
            None => self.raw(name, "null"),
        }
    }
    fn raw(&mut self, name: &str, json: &str) -> &mut Self {
        key(self.out, &mut self.first, name);
        self.out.push_str(json);
        self
    }
    fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.raw(name, if value { "true" } else { "false" })
    }
    fn strings(&mut self, name: &str, values: &[String]) -> &mut Self {
        key(self.out, &mut self.first, name);
        self.out.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            string(self.out, v, false);
        }
        self.out.push(']');
        self
    }
    /// `"name":[{…},{…}]`, each item written by `item`.
    fn objects(&mut self, name: &str, n: usize, mut item: impl FnMut(&mut Obj<'_>)) -> &mut Self {
        key(self.out, &mut self.first, name);
        self.out.push('[');
        for i in 0..n {
            if i > 0 {
                self.out.push(',');
            }
            let mut o = Obj::new(self.out);
            item(&mut o);
            o.end();
        }
        self.out.push(']');
        self
    }
    /// `"name":{…}` written by `body`.
    fn object(&mut self, name: &str, body: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        key(self.out, &mut self.first, name);
        let mut o = Obj::new(self.out);
        body(&mut o);
        o.end();
        self
    }
    fn end(self) {
        self.out.push('}');
    }
}

fn ascii_login(given: &str, surname: &str) -> String {
    let fold = |s: &str| -> String {
        s.chars()
            .filter_map(|c| match c {
                'a'..='z' | 'A'..='Z' => Some(c.to_ascii_lowercase()),
                'é' | 'è' | 'ë' | 'É' | 'ễ' => Some('e'),
                'ü' | 'ú' => Some('u'),
                'ç' => Some('c'),
                'å' | 'ã' => Some('a'),
                'ø' | 'ó' | 'ō' => Some('o'),
                'ñ' => Some('n'),
                'ł' | 'Ł' => Some('l'),
                'ń' => Some('n'),
                _ => None,
            })
            .collect()
    };
    let (g, s) = (fold(given), fold(surname));
    match (g.is_empty(), s.is_empty()) {
        (false, false) => format!("{g}.{s}"),
        (false, true) => g,
        (true, false) => s,
        (true, true) => "user".to_owned(),
    }
}

fn user(out: &mut String, rng: &mut Rng, index: usize) {
    let id = rng.guid();
    let given = rng.pick(GIVEN);
    let surname = rng.pick(SURNAMES);
    let nickname = rng.pick(NICKNAMES);
    let display = format!("{given}{nickname} {surname}");
    let login = format!("{}{index}", ascii_login(given, surname));
    let upn = format!("{login}@contoso.onmicrosoft.com");
    let mail = format!("{login}@contoso.com");
    let (city, state, country, usage_location) = CITIES[rng.below(CITIES.len())];
    let escape = index % 2 == 1;
    let synced = rng.chance(60);
    let created = rng.date_time(false);
    let extension_app = "extension_9f2b1c0d4e8a4b7c9d3e5f60718293a4";

    let mut u = Obj::new(out);
    u.str("@odata.etag", &format!("W/\"{}\"", rng.guid()));
    u.str("id", &id);
    u.bool("accountEnabled", rng.chance(90));
    u.objects("assignedLicenses", 1 + rng.below(3), |o| {
        let disabled: Vec<String> = (0..rng.below(2)).map(|_| rng.guid()).collect();
        o.strings("disabledPlans", &disabled)
            .str("skuId", &rng.guid());
    });
    u.objects("assignedPlans", 1 + rng.below(3), |o| {
        o.str("assignedDateTime", &rng.date_time(false))
            .str(
                "capabilityStatus",
                rng.pick(&["Enabled", "Enabled", "Deleted", "Suspended"]),
            )
            .str("service", rng.pick(SERVICES))
            .str("servicePlanId", &rng.guid());
    });
    let phones: Vec<String> = (0..rng.below(3))
        .map(|_| format!("+1 425 555 {:04}", rng.below(10_000)))
        .collect();
    u.strings("businessPhones", &phones);
    u.escaped("city", city, escape);
    u.opt("companyName", rng.chance(50).then_some("Contoso, Ltd."));
    u.str("country", country);
    u.str("createdDateTime", &created);
    u.escaped("department", rng.pick(DEPARTMENTS), escape);
    u.escaped("displayName", &display, escape);
    u.opt(
        "employeeId",
        rng.chance(70)
            .then(|| format!("E{:06}", rng.below(1_000_000)))
            .as_deref(),
    );
    if rng.chance(60) {
        u.object("employeeOrgData", |o| {
            o.str("costCenter", &format!("CC-{:04}", rng.below(10_000)))
                .opt("division", rng.chance(50).then_some("North America"));
        });
    } else {
        u.raw("employeeOrgData", "null");
    }
    u.escaped("givenName", given, escape);
    u.objects("identities", 1 + usize::from(rng.chance(20)), |o| {
        o.str("signInType", "userPrincipalName")
            .str("issuer", "contoso.onmicrosoft.com")
            .str("issuerAssignedId", &upn);
    });
    u.strings("imAddresses", &[format!("sip:{mail}")]);
    u.escaped("jobTitle", rng.pick(TITLES), escape);
    u.str("lastPasswordChangeDateTime", &rng.date_time(false));
    u.str("mail", &mail);
    u.str("mailNickname", &login);
    u.opt(
        "mobilePhone",
        rng.chance(40)
            .then(|| format!("+1 206 555 {:04}", rng.below(10_000)))
            .as_deref(),
    );
    u.opt(
        "officeLocation",
        rng.chance(70)
            .then(|| format!("{}/{}", 1 + rng.below(40), 1000 + rng.below(9000)))
            .as_deref(),
    );
    u.object("onPremisesExtensionAttributes", |o| {
        for n in 1..=15 {
            let name = format!("extensionAttribute{n}");
            if n <= 3 && synced {
                o.str(&name, &format!("attr-{n}-{:x}", rng.next() & 0xffff_ffff));
            } else {
                o.raw(&name, "null");
            }
        }
    });
    if synced {
        u.str("onPremisesLastSyncDateTime", &rng.date_time(false));
        u.bool("onPremisesSyncEnabled", true);
    } else {
        u.raw("onPremisesLastSyncDateTime", "null");
        u.raw("onPremisesSyncEnabled", "null");
    }
    u.object("passwordProfile", |o| {
        o.raw("password", "null")
            .bool("forceChangePasswordNextSignIn", rng.chance(10))
            .bool("forceChangePasswordNextSignInWithMfa", false);
    });
    u.str("preferredLanguage", rng.pick(LANGUAGES));
    u.objects("provisionedPlans", 1 + rng.below(2), |o| {
        o.str("capabilityStatus", "Enabled")
            .str(
                "provisioningStatus",
                rng.pick(&["Success", "Success", "PendingInput"]),
            )
            .str("service", rng.pick(SERVICES));
    });
    u.strings(
        "proxyAddresses",
        &[
            format!("SMTP:{mail}"),
            format!("smtp:{login}@contoso.onmicrosoft.com"),
        ],
    );
    u.object("signInActivity", |o| {
        o.str("lastSignInDateTime", &rng.date_time(true))
            .str("lastSignInRequestId", &rng.guid())
            .str("lastNonInteractiveSignInDateTime", &rng.date_time(true))
            .str("lastNonInteractiveSignInRequestId", &rng.guid());
    });
    u.escaped("state", state, false);
    u.escaped("surname", surname, escape);
    u.str("usageLocation", usage_location);
    u.str("userPrincipalName", &upn);
    u.str("userType", if rng.chance(90) { "Member" } else { "Guest" });
    if index.is_multiple_of(3) {
        u.object("mailboxSettings", |o| {
            o.str("archiveFolder", &format!("AAMkAD{:016x}AAA=", rng.next()))
                .str("timeZone", "Pacific Standard Time")
                .str("dateFormat", "M/d/yyyy")
                .str("timeFormat", "h:mm tt")
                .str("userPurpose", rng.pick(&["user", "user", "shared", "room"]))
                .str(
                    "delegateMeetingMessageDeliveryOptions",
                    "sendToDelegateOnly",
                )
                .object("automaticRepliesSetting", |o| {
                    o.str(
                        "status",
                        rng.pick(&["disabled", "alwaysEnabled", "scheduled"]),
                    )
                    .str(
                        "externalAudience",
                        rng.pick(&["none", "contactsOnly", "all"]),
                    )
                    .str(
                        "internalReplyMessage",
                        "Je suis absent \u{2014} de retour lundi.",
                    )
                    .str("externalReplyMessage", "")
                    .object("scheduledStartDateTime", |o| {
                        o.str("dateTime", "2024-06-01T07:00:00.0000000")
                            .str("timeZone", "UTC");
                    })
                    .object("scheduledEndDateTime", |o| {
                        o.str("dateTime", "2024-06-10T07:00:00.0000000")
                            .str("timeZone", "UTC");
                    });
                })
                .object("language", |o| {
                    o.str("locale", "fr-CA")
                        .str("displayName", "français (Canada)");
                })
                .object("workingHours", |o| {
                    let from = rng.below(2);
                    let days: Vec<String> =
                        DAYS[1 + from..6].iter().map(|d| (*d).to_owned()).collect();
                    o.strings("daysOfWeek", &days)
                        .str("startTime", "08:00:00.0000000")
                        .str("endTime", "17:00:00.0000000")
                        .object("timeZone", |o| {
                            o.str("name", "Pacific Standard Time");
                        });
                });
        });
    }
    // A directory extension: a member no schema declares, and a typed one with its
    // `@odata.type` annotation.
    u.str(
        &format!("{extension_app}_costCenter"),
        &format!("K{:05}", rng.below(100_000)),
    );
    u.str(&format!("{extension_app}_badgeNumber@odata.type"), "#Int64");
    u.raw(
        &format!("{extension_app}_badgeNumber"),
        &rng.below(10_000_000).to_string(),
    );
    u.end();
}
