//! E-invoices: UBL 2.1 documents following Peppol BIS Billing 3.0 (EN 16931) for invoices and
//! credit notes. Built from the same reads as the page and the PDF (the invoice, its lines, the
//! business and the client), with the PDF embedded as an additional document. Validated in CI
//! against the UBL XSD and the official CEN schematron (`tests/einvoice/validate_ubl.py`).

pub mod build;
mod writer;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use portico_domain::registry::is_vat_id;
use portico_domain::{Currency, Money, VatCategory};
use rust_decimal::Decimal;

use crate::core::error::{AppError, AppResult};
use crate::documents::pdf::split_lines;
use crate::invoicing::lines::Line;
use crate::parties::Client;
use crate::tenancy::Tenant;
use writer::Xml;

const CUSTOMIZATION: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const PROFILE: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invoice,
    CreditNote,
}

/// A party as an e-invoice declares it.
pub struct Party {
    pub name: String,
    pub street: Vec<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    /// With its country prefix.
    pub vat_id: Option<String>,
    /// A national registration number (a tax id that is not a VAT id).
    pub registration: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Party {
    pub fn seller(t: &Tenant) -> Party {
        Party {
            name: t.name.clone(),
            street: split_lines(t.address.as_deref()),
            city: t.city.clone(),
            postal_code: t.postal_code.clone(),
            country: t.country.clone(),
            vat_id: t.vat_id.clone(),
            registration: None,
            email: t.email.clone(),
            phone: t.phone.clone(),
        }
    }

    pub fn buyer(c: &Client) -> Party {
        let tax = c.tax_id.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let (vat_id, registration) = match tax {
            Some(t) if is_vat_id(t) => (portico_domain::registry::vat_id("taxId", t).ok(), None),
            Some(t) => (None, Some(t.to_owned())),
            None => (None, None),
        };
        Party {
            name: c.name.clone(),
            street: split_lines(c.address.as_deref()),
            city: c.place.city.clone(),
            postal_code: c.place.postal_code.clone(),
            country: c.place.country.clone(),
            vat_id,
            registration,
            email: c.email.clone(),
            phone: None,
        }
    }

    /// The Peppol endpoint: the VAT id under its country's scheme, else the email address.
    fn endpoint(&self) -> Option<(&'static str, String)> {
        const SCHEMES: [(&str, &str); 12] = [
            ("AT", "9914"),
            ("BE", "9925"),
            ("DE", "9930"),
            ("EL", "9933"),
            ("ES", "9920"),
            ("FR", "9957"),
            ("IE", "9935"),
            ("IT", "0211"),
            ("LU", "9938"),
            ("NL", "9944"),
            ("PT", "9946"),
            ("CY", "9928"),
        ];
        if let Some(vat) = &self.vat_id {
            if let Some((_, scheme)) = SCHEMES.iter().find(|(p, _)| vat.starts_with(p)) {
                return Some((scheme, vat.clone()));
            }
        }
        self.email.clone().map(|e| ("EM", e))
    }
}

/// One line of the e-invoice.
pub struct EntryLine {
    pub name: String,
    pub quantity: Decimal,
    pub price: Money,
    /// Quantity × price, before the discount.
    pub gross: Money,
    pub discount: Money,
    /// What the line adds to the total before VAT.
    pub net: Money,
    pub category: VatCategory,
    pub rate: Decimal,
    pub tax: Money,
    pub reason: Option<String>,
}

impl EntryLine {
    pub fn from_line(l: &Line) -> EntryLine {
        EntryLine {
            name: l.description.clone(),
            quantity: l.quantity,
            price: l.unit_price,
            gross: l.amounts.subtotal,
            discount: l.amounts.discount,
            net: l.amounts.net,
            category: l.vat_category,
            rate: l.tax_rate,
            tax: l.amounts.tax,
            reason: l.vat_exemption.clone(),
        }
    }
}

/// Everything one e-invoice says.
pub struct EInvoice {
    pub kind: Kind,
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: Currency,
    pub note: Option<String>,
    /// The buyer's reference (their order or cost centre), else the number.
    pub buyer_reference: String,
    /// A credit note's invoice.
    pub invoice_reference: Option<(String, NaiveDate)>,
    pub seller: Party,
    pub buyer: Party,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub bank_name: Option<String>,
    pub terms: Option<String>,
    pub lines: Vec<EntryLine>,
    /// Already paid or credited (an invoice's payments and credits).
    pub prepaid: Money,
    /// The PDF of the same document: its file name and bytes.
    pub pdf: Option<(String, Vec<u8>)>,
}

/// The VAT breakdown: one group per category and rate.
struct Group {
    taxable: Money,
    tax: Money,
    reason: Option<String>,
}

impl EInvoice {
    /// What stops this document from being a valid e-invoice, said so a person can fix it.
    fn check(&self) -> AppResult<()> {
        let mut missing = Vec::new();
        if self.seller.country.is_none() {
            missing.push("the business's country (settings)");
        }
        if self.seller.city.is_none() || self.seller.street.is_empty() {
            missing.push("the business's street and city (settings)");
        }
        if self.buyer.country.is_none() {
            missing.push("the client's country (billing details)");
        }
        if self.seller.vat_id.is_none() {
            missing.push("the business's VAT id (settings)");
        }
        if self
            .lines
            .iter()
            .any(|l| l.category == VatCategory::ReverseCharge)
            && self.buyer.vat_id.is_none()
        {
            missing.push("the client's VAT id, for reverse charge (billing details)");
        }
        if self.lines.is_empty() {
            missing.push("at least one line");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(AppError::Conflict(format!(
                "an e-invoice needs {}",
                missing.join(", ")
            )))
        }
    }

    fn groups(&self) -> AppResult<BTreeMap<(VatCategory, Decimal), Group>> {
        let mut groups: BTreeMap<(VatCategory, Decimal), Group> = BTreeMap::new();
        for l in &self.lines {
            let key = (l.category, l.rate.normalize());
            let g = groups.entry(key).or_insert_with(|| Group {
                taxable: Money::zero(self.currency),
                tax: Money::zero(self.currency),
                reason: None,
            });
            g.taxable = g.taxable.checked_add(l.net)?;
            g.tax = g.tax.checked_add(l.tax)?;
            if g.reason.is_none() {
                g.reason = l.reason.clone();
            }
        }
        Ok(groups)
    }

    /// The UBL 2.1 XML.
    pub fn to_xml(&self) -> AppResult<Vec<u8>> {
        self.check()?;
        let groups = self.groups()?;
        let cur = self.currency;
        let mut line_total = Money::zero(cur);
        for l in &self.lines {
            line_total = line_total.checked_add(l.net)?;
        }
        let mut tax_total = Money::zero(cur);
        for g in groups.values() {
            tax_total = tax_total.checked_add(g.tax)?;
        }
        let inclusive = line_total.checked_add(tax_total)?;
        let payable = inclusive.checked_sub(self.prepaid)?;

        let (root, ns) = match self.kind {
            Kind::Invoice => (
                "Invoice",
                "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
            ),
            Kind::CreditNote => (
                "CreditNote",
                "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
            ),
        };
        let mut x = Xml::new();
        x.open(
            root,
            &[("xmlns", ns), ("xmlns:cac", CAC), ("xmlns:cbc", CBC)],
        );
        x.leaf("cbc:CustomizationID", CUSTOMIZATION);
        x.leaf("cbc:ProfileID", PROFILE);
        x.leaf("cbc:ID", &self.number);
        x.leaf("cbc:IssueDate", &self.issue_date.to_string());
        match self.kind {
            Kind::Invoice => {
                if let Some(d) = self.due_date {
                    x.leaf("cbc:DueDate", &d.to_string());
                }
                x.leaf("cbc:InvoiceTypeCode", "380");
            }
            Kind::CreditNote => x.leaf("cbc:CreditNoteTypeCode", "381"),
        }
        x.opt("cbc:Note", self.note.as_deref());
        x.leaf("cbc:DocumentCurrencyCode", cur.code());
        x.leaf("cbc:BuyerReference", &self.buyer_reference);
        if let Some((number, date)) = &self.invoice_reference {
            x.open("cac:BillingReference", &[]);
            x.open("cac:InvoiceDocumentReference", &[]);
            x.leaf("cbc:ID", number);
            x.leaf("cbc:IssueDate", &date.to_string());
            x.close("cac:InvoiceDocumentReference");
            x.close("cac:BillingReference");
        }
        if let Some((name, bytes)) = &self.pdf {
            use base64::Engine;
            x.open("cac:AdditionalDocumentReference", &[]);
            x.leaf("cbc:ID", &self.number);
            x.open("cac:Attachment", &[]);
            x.leaf_with(
                "cbc:EmbeddedDocumentBinaryObject",
                &[("mimeCode", "application/pdf"), ("filename", name)],
                &base64::engine::general_purpose::STANDARD.encode(bytes),
            );
            x.close("cac:Attachment");
            x.close("cac:AdditionalDocumentReference");
        }
        x.open("cac:AccountingSupplierParty", &[]);
        party(&mut x, &self.seller);
        x.close("cac:AccountingSupplierParty");
        x.open("cac:AccountingCustomerParty", &[]);
        party(&mut x, &self.buyer);
        x.close("cac:AccountingCustomerParty");
        if let Some(iban) = &self.iban {
            x.open("cac:PaymentMeans", &[]);
            // 58: SEPA credit transfer; 30: any credit transfer.
            let code = if cur.code() == "EUR" { "58" } else { "30" };
            x.leaf("cbc:PaymentMeansCode", code);
            x.leaf("cbc:PaymentID", &self.number);
            x.open("cac:PayeeFinancialAccount", &[]);
            x.leaf("cbc:ID", iban);
            x.opt("cbc:Name", self.bank_name.as_deref());
            if let Some(bic) = &self.bic {
                x.open("cac:FinancialInstitutionBranch", &[]);
                x.leaf("cbc:ID", bic);
                x.close("cac:FinancialInstitutionBranch");
            }
            x.close("cac:PayeeFinancialAccount");
            x.close("cac:PaymentMeans");
        }
        if let Some(terms) = self.terms.as_deref().filter(|t| !t.trim().is_empty()) {
            x.open("cac:PaymentTerms", &[]);
            x.leaf("cbc:Note", terms);
            x.close("cac:PaymentTerms");
        }
        x.open("cac:TaxTotal", &[]);
        x.amount("cbc:TaxAmount", tax_total);
        for ((category, rate), g) in &groups {
            x.open("cac:TaxSubtotal", &[]);
            x.amount("cbc:TaxableAmount", g.taxable);
            x.amount("cbc:TaxAmount", g.tax);
            tax_category(&mut x, "cac:TaxCategory", *category, *rate, Some(g));
            x.close("cac:TaxSubtotal");
        }
        x.close("cac:TaxTotal");
        x.open("cac:LegalMonetaryTotal", &[]);
        x.amount("cbc:LineExtensionAmount", line_total);
        x.amount("cbc:TaxExclusiveAmount", line_total);
        x.amount("cbc:TaxInclusiveAmount", inclusive);
        if self.prepaid.minor != 0 {
            x.amount("cbc:PrepaidAmount", self.prepaid);
        }
        x.amount("cbc:PayableAmount", payable);
        x.close("cac:LegalMonetaryTotal");
        let (line_tag, quantity_tag) = match self.kind {
            Kind::Invoice => ("cac:InvoiceLine", "cbc:InvoicedQuantity"),
            Kind::CreditNote => ("cac:CreditNoteLine", "cbc:CreditedQuantity"),
        };
        for (i, l) in self.lines.iter().enumerate() {
            x.open(line_tag, &[]);
            x.leaf("cbc:ID", &(i + 1).to_string());
            x.leaf_with(
                quantity_tag,
                &[("unitCode", "C62")],
                &l.quantity.normalize().to_string(),
            );
            x.amount("cbc:LineExtensionAmount", l.net);
            if l.discount.minor != 0 {
                x.open("cac:AllowanceCharge", &[]);
                x.leaf("cbc:ChargeIndicator", "false");
                x.leaf("cbc:AllowanceChargeReasonCode", "95");
                x.leaf("cbc:AllowanceChargeReason", "Discount");
                x.amount("cbc:Amount", l.discount);
                x.amount("cbc:BaseAmount", l.gross);
                x.close("cac:AllowanceCharge");
            }
            x.open("cac:Item", &[]);
            let name = l.name.lines().next().unwrap_or_default();
            x.leaf("cbc:Name", name);
            tax_category(
                &mut x,
                "cac:ClassifiedTaxCategory",
                l.category,
                l.rate,
                None,
            );
            x.close("cac:Item");
            x.open("cac:Price", &[]);
            x.amount("cbc:PriceAmount", l.price);
            x.close("cac:Price");
            x.close(line_tag);
        }
        x.close(root);
        Ok(x.finish())
    }
}

fn party(x: &mut Xml, p: &Party) {
    x.open("cac:Party", &[]);
    if let Some((scheme, id)) = p.endpoint() {
        x.leaf_with("cbc:EndpointID", &[("schemeID", scheme)], &id);
    }
    x.open("cac:PartyName", &[]);
    x.leaf("cbc:Name", &p.name);
    x.close("cac:PartyName");
    x.open("cac:PostalAddress", &[]);
    x.opt("cbc:StreetName", p.street.first().map(String::as_str));
    if p.street.len() > 1 {
        x.leaf("cbc:AdditionalStreetName", &p.street[1..].join(", "));
    }
    x.opt("cbc:CityName", p.city.as_deref());
    x.opt("cbc:PostalZone", p.postal_code.as_deref());
    x.open("cac:Country", &[]);
    x.leaf(
        "cbc:IdentificationCode",
        p.country.as_deref().unwrap_or_default(),
    );
    x.close("cac:Country");
    x.close("cac:PostalAddress");
    if let Some(vat) = &p.vat_id {
        x.open("cac:PartyTaxScheme", &[]);
        x.leaf("cbc:CompanyID", vat);
        x.open("cac:TaxScheme", &[]);
        x.leaf("cbc:ID", "VAT");
        x.close("cac:TaxScheme");
        x.close("cac:PartyTaxScheme");
    }
    x.open("cac:PartyLegalEntity", &[]);
    x.leaf("cbc:RegistrationName", &p.name);
    x.opt("cbc:CompanyID", p.registration.as_deref());
    x.close("cac:PartyLegalEntity");
    if p.email.is_some() || p.phone.is_some() {
        x.open("cac:Contact", &[]);
        x.opt("cbc:Telephone", p.phone.as_deref());
        x.opt("cbc:ElectronicMail", p.email.as_deref());
        x.close("cac:Contact");
    }
    x.close("cac:Party");
}

fn tax_category(
    x: &mut Xml,
    tag: &str,
    category: VatCategory,
    rate: Decimal,
    group: Option<&Group>,
) {
    x.open(tag, &[]);
    x.leaf("cbc:ID", category.code());
    x.leaf("cbc:Percent", &rate.normalize().to_string());
    if let Some(g) = group {
        if category == VatCategory::ReverseCharge {
            x.leaf("cbc:TaxExemptionReasonCode", "VATEX-EU-AE");
        }
        if category.needs_reason() {
            let reason = g
                .reason
                .as_deref()
                .or(category.default_reason())
                .unwrap_or("Exempt");
            x.leaf("cbc:TaxExemptionReason", reason);
        }
    }
    x.open("cac:TaxScheme", &[]);
    x.leaf("cbc:ID", "VAT");
    x.close("cac:TaxScheme");
    x.close(tag);
}
