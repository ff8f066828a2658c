#include "signing_choices.hpp"

#include "error_text.hpp"
#include "tc/prescriptions/signature_errors.hpp"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QVariantMap>
#include <boost/system/errc.hpp>

namespace tc::app {

namespace rx = tc::prescriptions;

SigningChoices::SigningChoices(QObject* parent)
    : QObject(parent) {}

void SigningChoices::setBundlePath(const QString& path) {
    m_bundlePath = path;
}

void SigningChoices::setPkcs11Module(const QString& path) {
    m_module = path;
}

QString SigningChoices::defaultPkcs11Module() {
    const QString configured = qEnvironmentVariable("TC_PKCS11_MODULE");
    if (!configured.isEmpty()) {
        return configured;
    }
    for (const char* proxy : {"/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
                              "/usr/lib/aarch64-linux-gnu/p11-kit-proxy.so",
                              "/usr/lib64/p11-kit-proxy.so", "/usr/lib/p11-kit-proxy.so"}) {
        if (QFileInfo::exists(QString::fromLatin1(proxy))) {
            return QString::fromLatin1(proxy);
        }
    }
    return {};
}

void SigningChoices::refresh() {
    QVariantList choices;
    if (!m_bundlePath.isEmpty()) {
        choices.push_back(
            QVariantMap{{QStringLiteral("key"), QStringLiteral("file")},
                        {QStringLiteral("kind"), QStringLiteral("file")},
                        {QStringLiteral("label"), tr("Certificat du poste (fichier PKCS#12)")},
                        {QStringLiteral("detail"), QFileInfo(m_bundlePath).fileName()},
                        {QStringLiteral("secretLabel"),
                         tr("Phrase secrète de votre identité de signature :")}});
    }
    QString status;
    if (m_module.isEmpty()) {
        status = tr("Aucun module PKCS#11 configuré : la carte CPS n'est pas recherchée.");
    } else {
        const auto listed = rx::listPkcs11SigningCertificates({m_module.toStdString()});
        if (!listed) {
            status = tr("Le module de carte %1 ne se charge pas.").arg(m_module);
        } else if (listed->empty()) {
            status = tr("Aucune carte CPS ni jeton de signature détecté.");
        }
        for (const auto& certificate :
             listed ? *listed : std::vector<rx::Pkcs11SigningCertificate>{}) {
            const QDateTime expires =
                QDateTime::fromSecsSinceEpoch(std::chrono::duration_cast<std::chrono::seconds>(
                                                  certificate.notAfter.time_since_epoch())
                                                  .count());
            const bool expired = expires < QDateTime::currentDateTimeUtc();
            choices.push_back(QVariantMap{
                {QStringLiteral("key"), QString::fromStdString(certificate.uri)},
                {QStringLiteral("kind"), QStringLiteral("token")},
                {QStringLiteral("expired"), expired},
                {QStringLiteral("label"),
                 tr("Carte « %1 » — %2")
                     .arg(QString::fromStdString(certificate.tokenLabel),
                          QString::fromStdString(certificate.subjectCommonName))},
                {QStringLiteral("detail"),
                 (expired ? tr("certificat expiré le %1") : tr("certificat valable jusqu'au %1"))
                         .arg(QLocale().toString(expires.date(), QLocale::ShortFormat)) +
                     QStringLiteral(" · ") + QString::fromStdString(certificate.tokenManufacturer)},
                {QStringLiteral("secretLabel"), tr("Code PIN de la carte :")}});
        }
    }
    m_choices = std::move(choices);
    m_tokenStatus = std::move(status);
    emit changed();
}

std::function<boost::system::result<rx::SigningIdentity>()>
SigningChoices::opener(const QString& key, const QString& secret) const {
    if (key == QLatin1String("file")) {
        return [path = m_bundlePath,
                secret = secret.toStdString()]() -> boost::system::result<rx::SigningIdentity> {
            QFile bundle(path);
            if (!bundle.open(QIODevice::ReadOnly)) {
                return boost::system::errc::make_error_code(
                    boost::system::errc::no_such_file_or_directory);
            }
            const QByteArray der = bundle.readAll();
            return rx::SigningIdentity::fromPkcs12(
                std::as_bytes(std::span(der.constData(), static_cast<std::size_t>(der.size()))),
                secret);
        };
    }
    return [uri = key.toStdString(), pin = secret.toStdString(),
            module = m_module.toStdString()]() -> boost::system::result<rx::SigningIdentity> {
        return rx::SigningIdentity::fromPkcs11(uri, pin, {module});
    };
}

QString SigningChoices::errorText(const boost::system::error_code& error) {
    if (error == boost::system::errc::no_such_file_or_directory) {
        return tr("fichier d'identité introuvable ou illisible");
    }
    return app::errorText(error); // the card's and the key file's errors are worded there
}

} // namespace tc::app
