//! Input objects and their parsing into domain values: every string is bounded, every amount is
//! parsed exactly for its currency, every id is checked. Parsing happens before anything is written.

use async_graphql::{Enum, InputObject, ID};
use portico_domain::{
    self as domain, validate, Currency, Discount, LineInput as DomainLine, Money,
};

use super::scalars::{Date, Decimal};
use crate::core::error::{AppError, AppResult};
use crate::core::ids;
use crate::invoicing::graphql::InvoiceStatus;
use crate::invoicing::InvoiceFilter;
use crate::invoicing::InvoiceOrder;
use crate::invoicing::InvoiceSort;
use crate::invoicing::NewLine;

pub const MAX_SEARCH: usize = 200;

pub fn currency_opt(code: Option<&str>) -> AppResult<Option<Currency>> {
    Ok(code.map(Currency::parse).transpose()?)
}

pub fn name(field: &'static str, value: &str) -> AppResult<String> {
    Ok(validate::text(field, value, validate::MAX_NAME)?)
}

pub fn long_text(field: &'static str, value: Option<&str>) -> AppResult<Option<String>> {
    Ok(validate::optional_text(field, value, validate::MAX_TEXT)?)
}

pub fn short_text(field: &'static str, value: Option<&str>) -> AppResult<Option<String>> {
    Ok(validate::optional_text(field, value, validate::MAX_NAME)?)
}

pub fn amount(value: &Decimal, currency: Currency) -> AppResult<Money> {
    Ok(Money::parse_amount(&value.0, currency)?)
}

pub fn positive_amount(
    field: &'static str,
    value: &Decimal,
    currency: Currency,
) -> AppResult<Money> {
    let m = amount(value, currency)?;
    if !m.is_positive() {
        return Err(AppError::bad_input(field, "must be more than zero"));
    }
    Ok(m)
}

#[derive(InputObject)]
pub struct InvoiceFilterInput {
    pub status: Option<Vec<InvoiceStatus>>,
    /// Only overdue invoices (true) or only those not overdue (false).
    pub overdue: Option<bool>,
    pub client_id: Option<ID>,
    /// ISO 4217, e.g. "EUR": only invoices in this currency.
    pub currency: Option<String>,
    pub issued_from: Option<Date>,
    pub issued_to: Option<Date>,
    pub due_from: Option<Date>,
    pub due_to: Option<Date>,
    /// Matches the number, the reference and line descriptions (case-insensitive).
    pub search: Option<String>,
}

/// The refusal of a date range that ends before it starts.
pub const PERIOD_INVERTED: &str = "the end of the period is before its start";

impl InvoiceFilterInput {
    pub fn parse(self) -> AppResult<InvoiceFilter> {
        let search = match self.search {
            Some(s) if s.chars().count() > MAX_SEARCH => {
                return Err(AppError::bad_input(
                    "search",
                    format!("at most {MAX_SEARCH} characters"),
                ))
            }
            other => other,
        };
        for (from, to, field) in [
            (&self.issued_from, &self.issued_to, "issuedTo"),
            (&self.due_from, &self.due_to, "dueTo"),
        ] {
            if let (Some(from), Some(to)) = (from, to) {
                if to.0 < from.0 {
                    return Err(AppError::bad_input(field, PERIOD_INVERTED));
                }
            }
        }
        Ok(InvoiceFilter {
            // Each status once (a list repeating one status thousands of times binds once).
            statuses: {
                let mut list: Vec<domain::InvoiceStatus> = Vec::new();
                for s in self.status.unwrap_or_default() {
                    let s = s.into();
                    if !list.contains(&s) {
                        list.push(s);
                    }
                }
                list
            },
            overdue: self.overdue,
            client_id: self
                .client_id
                .map(|c| ids::decode(&c, "Client"))
                .transpose()?,
            currency: currency_opt(self.currency.as_deref())?,
            issue_from: self.issued_from.map(|d| d.0),
            issue_to: self.issued_to.map(|d| d.0),
            due_from: self.due_from.map(|d| d.0),
            due_to: self.due_to.map(|d| d.0),
            search,
        })
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum InvoiceOrderField {
    Number,
    IssueDate,
    DueDate,
    Total,
    Balance,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum OrderDirection {
    Asc,
    Desc,
}

#[derive(InputObject)]
pub struct InvoiceOrderInput {
    pub field: InvoiceOrderField,
    #[graphql(default_with = "OrderDirection::Asc")]
    pub direction: OrderDirection,
}

impl InvoiceOrderInput {
    pub fn parse(self) -> InvoiceOrder {
        InvoiceOrder {
            sort: match self.field {
                InvoiceOrderField::Number => InvoiceSort::Number,
                InvoiceOrderField::IssueDate => InvoiceSort::IssueDate,
                InvoiceOrderField::DueDate => InvoiceSort::DueDate,
                InvoiceOrderField::Total => InvoiceSort::Total,
                InvoiceOrderField::Balance => InvoiceSort::Balance,
            },
            descending: self.direction == OrderDirection::Desc,
        }
    }
}

#[derive(InputObject)]
pub struct LineInput {
    pub description: String,
    pub quantity: Decimal,
    /// In the document's currency, e.g. "120.00".
    pub unit_price: Decimal,
    /// Percent, e.g. "24"; default 0.
    pub tax_rate: Option<Decimal>,
    /// Percent off the line, e.g. "10".
    pub discount_percent: Option<Decimal>,
    /// A fixed amount off the line.
    pub discount_amount: Option<Decimal>,
    /// The VAT category (e-invoices): by default standard when the rate is above 0, else
    /// zero-rated. Exempt and reverse-charge lines have a 0% rate.
    pub vat_category: Option<VatCategory>,
    /// Why no VAT is charged: required for exempt lines, "Reverse charge" by default for
    /// reverse-charge ones (printed on the PDF, declared in the e-invoice).
    pub vat_exemption: Option<String>,
}

/// A line's VAT category (EN 16931 / UNCL 5305).
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum VatCategory {
    /// `S`: a positive rate.
    Standard,
    /// `Z`: taxable at 0%.
    ZeroRated,
    /// `E`: exempt, with a reason.
    Exempt,
    /// `AE`: reverse charge (the buyer accounts for the VAT).
    ReverseCharge,
}

impl VatCategory {
    pub fn to_domain(self) -> domain::VatCategory {
        match self {
            VatCategory::Standard => domain::VatCategory::Standard,
            VatCategory::ZeroRated => domain::VatCategory::ZeroRated,
            VatCategory::Exempt => domain::VatCategory::Exempt,
            VatCategory::ReverseCharge => domain::VatCategory::ReverseCharge,
        }
    }

    pub fn from_domain(c: domain::VatCategory) -> VatCategory {
        match c {
            domain::VatCategory::Standard => VatCategory::Standard,
            domain::VatCategory::ZeroRated => VatCategory::ZeroRated,
            domain::VatCategory::Exempt => VatCategory::Exempt,
            domain::VatCategory::ReverseCharge => VatCategory::ReverseCharge,
        }
    }
}

impl LineInput {
    pub fn parse(&self, currency: Currency) -> AppResult<NewLine> {
        let description = name("description", &self.description)?;
        let quantity = validate::decimal("quantity", &self.quantity.0, 4, false)?;
        let unit_price = amount(&self.unit_price, currency)?;
        let tax_rate = match &self.tax_rate {
            Some(r) => validate::decimal("taxRate", &r.0, 3, false)?,
            None => rust_decimal::Decimal::ZERO,
        };
        let discount = match (&self.discount_percent, &self.discount_amount) {
            (Some(_), Some(_)) => {
                return Err(AppError::bad_input(
                    "discount",
                    "give a percent or an amount, not both",
                ))
            }
            (Some(p), None) => {
                Discount::Percent(validate::decimal("discountPercent", &p.0, 3, false)?)
            }
            (None, Some(a)) => Discount::Amount(amount(a, currency)?.minor),
            (None, None) => Discount::None,
        };
        let input = DomainLine {
            quantity,
            unit_price_minor: unit_price.minor,
            tax_rate,
            discount,
        };
        // Compute once now so a bad line is refused before anything is written.
        domain::compute_line(&input, currency, domain::Rounding::HalfEven)?;
        let vat_category = self
            .vat_category
            .map(VatCategory::to_domain)
            .unwrap_or_else(|| domain::VatCategory::for_rate(tax_rate));
        let vat_exemption = self
            .vat_exemption
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .or_else(|| vat_category.default_reason().map(str::to_owned));
        vat_category.check(tax_rate, vat_exemption.as_deref())?;
        Ok(NewLine {
            description,
            input,
            vat_category,
            vat_exemption,
        })
    }
}

#[derive(InputObject)]
pub struct AllocationInput {
    pub invoice_id: ID,
    pub amount: Decimal,
}

pub fn allocations(
    list: Option<&[AllocationInput]>,
    currency: Currency,
) -> AppResult<Option<Vec<domain::Allocation>>> {
    let Some(list) = list else { return Ok(None) };
    if list.len() > 100 {
        return Err(AppError::bad_input(
            "allocations",
            "at most 100 allocations",
        ));
    }
    list.iter()
        .map(|a| {
            Ok(domain::Allocation {
                invoice_id: crate::core::ids::InvoiceId::from_global(&a.invoice_id)?.into_string(),
                amount: positive_amount("allocations", &a.amount, currency)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()
        .map(Some)
}
