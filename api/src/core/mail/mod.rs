//! Mail: emails are typed templates rendered as text and HTML in the recipient's language
//! (`message`); they are queued in the outbox table inside the transaction that causes them, and a
//! worker sends them with retries and backoff. With `PORTICO_SMTP_URL` the worker speaks SMTP
//! (lettre; `smtp://`, `smtps://`, `smtp://…?tls=required`); without it the message is written to
//! the log and kept in the outbox, so the demo works offline.

pub mod attachments;
pub mod message;
pub mod worker;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Clone)]
pub enum Transport {
    Log,
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// Draws the documents emails carry (none: emails go without attachments).
    attachments: Option<attachments::Source>,
}

impl Mailer {
    pub fn new(smtp_url: Option<&str>, from: &str) -> anyhow::Result<Mailer> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("PORTICO_MAIL_FROM: {e}"))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("PORTICO_SMTP_URL: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            ),
            None => Transport::Log,
        };
        Ok(Mailer {
            transport,
            from,
            attachments: None,
        })
    }

    /// The mailer drawing attachments with `source` (the app installs the documents area).
    pub fn with_attachments(mut self, source: attachments::Source) -> Mailer {
        self.attachments = Some(source);
        self
    }

    pub fn attachments(&self) -> Option<&attachments::Source> {
        self.attachments.as_ref()
    }

    /// Sends one message: plain text, with its HTML rendering as the alternative when it has one.
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        html: Option<&str>,
        attachment: Option<&attachments::File>,
    ) -> anyhow::Result<()> {
        match &self.transport {
            Transport::Log => {
                tracing::info!(
                    to,
                    subject,
                    "mail (no PORTICO_SMTP_URL; kept in the outbox):\n{body}"
                );
                Ok(())
            }
            Transport::Smtp(smtp) => {
                let builder = Message::builder()
                    .from(self.from.clone())
                    .to(to
                        .parse()
                        .map_err(|e| anyhow::anyhow!("recipient {to:?}: {e}"))?)
                    .subject(subject);
                let content = match html {
                    Some(html) => {
                        MultiPart::alternative_plain_html(body.to_owned(), html.to_owned())
                    }
                    None => MultiPart::mixed().singlepart(SinglePart::plain(body.to_owned())),
                };
                let message = match attachment {
                    Some(file) => {
                        let kind = ContentType::parse(&file.content_type)
                            .map_err(|e| anyhow::anyhow!("attachment type: {e}"))?;
                        builder.multipart(
                            MultiPart::mixed().multipart(content).singlepart(
                                lettre::message::Attachment::new(file.name.clone())
                                    .body(file.bytes.clone(), kind),
                            ),
                        )?
                    }
                    None if html.is_none() => builder.body(body.to_owned())?,
                    None => builder.multipart(content)?,
                };
                smtp.send(message).await?;
                Ok(())
            }
        }
    }
}
