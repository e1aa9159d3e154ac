//! The people of a case: parties (当事人), other persons (被询问人, 见证人, 代收人 …) and
//! enforcement officers (执法人员) with their 统计执法证.
//!
//! Identifiers are validated on entry: a party that is an organisation must carry a valid
//! 统一社会信用代码; a resident ID card number must pass its check digit; an officer must have a
//! certificate number and a validity window, and `is_valid_on` decides whether they may act.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::PartyId;
use super::validate::{self, SHORT_TEXT};
use crate::error::{ValidationCode, ValidationError};

/// Kinds of party (domain.md §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// 法人 — a legal person (company, institution).
    #[default]
    LegalPerson,
    /// 其他组织 — other organisation (branch, partnership).
    OtherOrg,
    /// 个体工商户 — individual business.
    IndividualBusiness,
    /// 自然人 — natural person.
    NaturalPerson,
}

impl PartyKind {
    /// All kinds, in display order.
    pub const ALL: [PartyKind; 4] = [
        PartyKind::LegalPerson,
        PartyKind::OtherOrg,
        PartyKind::IndividualBusiness,
        PartyKind::NaturalPerson,
    ];

    /// Stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::LegalPerson => "legal_person",
            PartyKind::OtherOrg => "other_org",
            PartyKind::IndividualBusiness => "individual_business",
            PartyKind::NaturalPerson => "natural_person",
        }
    }

    /// Parses the stable code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == code)
    }
}

crate::code_enum!(
    /// Kinds of identity document.
    IdDocType {
        /// 居民身份证 (18 digits, check digit verified).
        ResidentIdCard = "resident_id_card",
        /// 护照.
        Passport = "passport",
        /// 港澳居民来往内地通行证 / 居住证.
        HkMacaoPermit = "hk_macao_permit",
        /// 台湾居民来往大陆通行证 / 居住证.
        TaiwanPermit = "taiwan_permit",
        /// 外国人永久居留身份证.
        ForeignPermanentResident = "foreign_permanent_resident",
        /// Anything else; number checked only for shape.
        Other = "other",
    }
);

// `code_enum!` owns the derive list, so the default is written out.
#[allow(clippy::derivable_impls)]
impl Default for IdDocType {
    fn default() -> Self {
        IdDocType::ResidentIdCard
    }
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct IdDocument {
    /// Type of document.
    pub doc_type: IdDocType,
    /// Its number.
    pub number: String,
}

impl IdDocument {
    /// Validates the number for its type.
    pub fn validate(&self) -> Result<(), ValidationError> {
        match self.doc_type {
            IdDocType::ResidentIdCard => validate::resident_id("number", &self.number),
            _ => {
                validate::required_line("number", &self.number, 40)?;
                if !self
                    .number
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    return Err(ValidationError::new("number", ValidationCode::BadFormat));
                }
                Ok(())
            }
        }
    }
}

/// A named person with a title (法定代表人/负责人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct NamedRepresentative {
    /// 姓名.
    pub name: String,
    /// 职务.
    pub title: String,
}

/// A party of the case (当事人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Party {
    /// Stable id within the case.
    pub id: PartyId,
    /// Legal kind.
    pub kind: PartyKind,
    /// 名称 exactly as on the business licence, or the person's 姓名.
    pub name: String,
    /// 统一社会信用代码; required for organisations, optional for 个体工商户.
    pub uscc: Option<String>,
    /// 法定代表人/负责人.
    pub legal_rep: Option<NamedRepresentative>,
    /// For natural persons: the identity document.
    pub id_doc: Option<IdDocument>,
    /// 住所/经营地址.
    pub address: String,
    /// 联系电话.
    pub phone: String,
}

impl Party {
    /// Checks the party's fields for its kind.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate::required_line("name", &self.name, SHORT_TEXT)?;
        validate::optional_line("address", &self.address, SHORT_TEXT)?;
        validate::phone("phone", &self.phone)?;
        let org = matches!(self.kind, PartyKind::LegalPerson | PartyKind::OtherOrg);
        match (&self.uscc, org) {
            (Some(code), _) => validate::uscc("uscc", code)?,
            (None, true) => return Err(ValidationError::new("uscc", ValidationCode::Required)),
            (None, false) => {}
        }
        if let Some(rep) = &self.legal_rep {
            validate::required_line("legal_rep.name", &rep.name, SHORT_TEXT)?;
            validate::optional_line("legal_rep.title", &rep.title, SHORT_TEXT)?;
        }
        match (&self.id_doc, self.kind) {
            (Some(doc), _) => doc.validate().map_err(|e| e.within("id_doc"))?,
            (None, PartyKind::NaturalPerson) => {
                return Err(ValidationError::new("id_doc", ValidationCode::Required));
            }
            (None, _) => {}
        }
        Ok(())
    }
}

crate::code_enum!(
    /// How a person relates to the case (domain.md §6.1 Person.relationToCase).
    PersonRelation {
        /// The party in person.
        PartySelf = "party_self",
        /// 法定代表人.
        LegalRep = "legal_rep",
        /// 委托代理人.
        AuthorisedAgent = "authorised_agent",
        /// 统计人员 of the party.
        StatStaff = "stat_staff",
        /// 证人 / 见证人.
        Witness = "witness",
        /// 同住成年家属 (may receive service).
        HouseholdAdult = "household_adult",
        /// 收件人 / 收发人员.
        ReceivingClerk = "receiving_clerk",
        /// 基层组织或单位代表 (witness for leave-at-premises service).
        GrassrootsRep = "grassroots_rep",
        /// Anyone else.
        Other = "other",
    }
);

impl PersonRelation {
    /// Whether someone so related can witness a refusal or a leave-at-premises service: not the
    /// party, nor who speaks for it.
    pub fn can_witness(self) -> bool {
        !matches!(
            self,
            PersonRelation::PartySelf | PersonRelation::LegalRep | PersonRelation::AuthorisedAgent
        )
    }
}

// `code_enum!` owns the derive list, so the default is written out.
#[allow(clippy::derivable_impls)]
impl Default for PersonRelation {
    fn default() -> Self {
        PersonRelation::LegalRep
    }
}

/// A person other than an officer: interviewee, witness, receiver, person present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Person {
    /// 姓名.
    pub name: String,
    /// Identity document, when taken.
    pub id_doc: Option<IdDocument>,
    /// 工作单位.
    pub employer: String,
    /// 职务.
    pub position: String,
    /// 电话.
    pub phone: String,
    /// Relation to the case.
    pub relation: PersonRelation,
}

impl Person {
    /// Checks the person's fields.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate::required_line("name", &self.name, SHORT_TEXT)?;
        validate::optional_line("employer", &self.employer, SHORT_TEXT)?;
        validate::optional_line("position", &self.position, SHORT_TEXT)?;
        validate::phone("phone", &self.phone)?;
        if let Some(doc) = &self.id_doc {
            doc.validate().map_err(|e| e.within("id_doc"))?;
        }
        Ok(())
    }
}

/// Status of an enforcement certificate as the issuing bureau records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CertStatus {
    /// In force.
    #[default]
    Valid,
    /// 暂扣.
    Suspended,
    /// 注销/吊销.
    Revoked,
}

impl CertStatus {
    /// Every status.
    pub const ALL: [CertStatus; 3] = [
        CertStatus::Valid,
        CertStatus::Suspended,
        CertStatus::Revoked,
    ];

    /// Stable code (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            CertStatus::Valid => "valid",
            CertStatus::Suspended => "suspended",
            CertStatus::Revoked => "revoked",
        }
    }

    /// Parses the stable code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == code)
    }
}

/// An enforcement officer (执法人员) with the 统计执法证 that entitles them to act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Officer {
    /// 姓名.
    pub name: String,
    /// 工作单位.
    pub unit: String,
    /// 统计执法证号.
    pub cert_no: String,
    /// First day the certificate is valid.
    pub cert_valid_from: Option<NaiveDate>,
    /// Last day the certificate is valid.
    pub cert_valid_to: Option<NaiveDate>,
    /// Status recorded by the issuing bureau.
    pub cert_status: CertStatus,
}

impl Officer {
    /// Checks the officer's fields (not the validity on a given day: see `is_valid_on`).
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate::required_line("name", &self.name, SHORT_TEXT)?;
        validate::required_line("unit", &self.unit, SHORT_TEXT)?;
        validate::required_line("cert_no", &self.cert_no, 32)?;
        if !self
            .cert_no
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ValidationError::new("cert_no", ValidationCode::BadFormat));
        }
        let (Some(from), Some(to)) = (self.cert_valid_from, self.cert_valid_to) else {
            let field = if self.cert_valid_from.is_none() {
                "cert_valid_from"
            } else {
                "cert_valid_to"
            };
            return Err(ValidationError::new(field, ValidationCode::Required));
        };
        if to < from {
            return Err(ValidationError::new(
                "cert_valid_to",
                ValidationCode::InvalidDate,
            ));
        }
        Ok(())
    }

    /// Whether the certificate entitles the officer to act on `day` (local date).
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.cert_status == CertStatus::Valid
            && self.cert_valid_from.is_some_and(|from| from <= day)
            && self.cert_valid_to.is_some_and(|to| day <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company() -> Party {
        Party {
            id: PartyId::new(),
            kind: PartyKind::LegalPerson,
            name: "某某科技有限公司".into(),
            uscc: Some("91350100M000100Y43".into()),
            legal_rep: Some(NamedRepresentative {
                name: "张三".into(),
                title: "总经理".into(),
            }),
            id_doc: None,
            address: "某区某路1号".into(),
            phone: "024-12345678".into(),
        }
    }

    #[test]
    fn organisations_need_a_valid_uscc() {
        assert_eq!(company().validate(), Ok(()));
        let mut p = company();
        p.uscc = None;
        assert_eq!(p.validate().unwrap_err().field, "uscc");
        p.uscc = Some("91350100M000100Y44".into());
        assert_eq!(
            p.validate().unwrap_err().code,
            ValidationCode::BadCheckCharacter
        );
        // An individual business may lack one (pre-2016 registrations), but a given one is checked.
        p.kind = PartyKind::IndividualBusiness;
        p.uscc = None;
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn natural_persons_need_an_id_document() {
        let mut p = company();
        p.kind = PartyKind::NaturalPerson;
        p.uscc = None;
        assert_eq!(p.validate().unwrap_err().field, "id_doc");
        p.id_doc = Some(IdDocument {
            doc_type: IdDocType::ResidentIdCard,
            number: "11010519491231002X".into(),
        });
        assert_eq!(p.validate(), Ok(()));
        p.id_doc = Some(IdDocument {
            doc_type: IdDocType::ResidentIdCard,
            number: "110105194912310021".into(),
        });
        let e = p.validate().unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("id_doc.number", ValidationCode::BadCheckCharacter)
        );
        p.id_doc = Some(IdDocument {
            doc_type: IdDocType::Passport,
            number: "E12345678".into(),
        });
        assert_eq!(p.validate(), Ok(()));
        p.id_doc = Some(IdDocument {
            doc_type: IdDocType::Passport,
            number: "E 1234".into(),
        });
        assert!(p.validate().is_err());
    }

    #[test]
    fn officer_certificates() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut o = Officer {
            name: "李四".into(),
            unit: "某区统计局".into(),
            cert_no: "LN-2101-0001".into(),
            cert_valid_from: Some(d("2024-01-01")),
            cert_valid_to: Some(d("2028-12-31")),
            cert_status: CertStatus::Valid,
        };
        assert_eq!(o.validate(), Ok(()));
        assert!(o.is_valid_on(d("2026-11-28")));
        assert!(!o.is_valid_on(d("2029-01-01")));
        assert!(!o.is_valid_on(d("2023-12-31")));
        o.cert_status = CertStatus::Suspended;
        assert!(!o.is_valid_on(d("2026-11-28")));
        o.cert_valid_to = Some(d("2020-01-01"));
        assert_eq!(o.validate().unwrap_err().code, ValidationCode::InvalidDate);
        o.cert_no = "证号 1".into();
        assert_eq!(o.validate().unwrap_err().field, "cert_no");
        o.cert_no = String::new();
        assert_eq!(o.validate().unwrap_err().code, ValidationCode::Required);
    }
}
