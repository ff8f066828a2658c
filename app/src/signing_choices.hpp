#pragma once
// How the doctor can sign on this workstation: with the sign-in identity file (PKCS#12, its
// passphrase), or with a signing certificate on a card or token that the PKCS#11 module sees
// (the CPS card through its middleware, or any token; its PIN). The certificates on tokens are
// listed without the PIN, so the doctor picks the card by the name on it; the secret is asked
// for the chosen one only, and used once.

#include "tc/prescriptions/signing_identity.hpp"

#include <QObject>
#include <QString>
#include <QVariantList>
#include <boost/system/result.hpp>
#include <functional>

namespace tc::app {

class SigningChoices : public QObject {
    Q_OBJECT
    // [{key ("file", or the key's pkcs11: URI), kind ("file", "token"), label, detail,
    //   secretLabel, expired (cards only)}], the identity file first.
    Q_PROPERTY(QVariantList choices READ choices NOTIFY changed)
    // Why no card is offered, in words ("" when the module was read).
    Q_PROPERTY(QString tokenStatus READ tokenStatus NOTIFY changed)

public:
    explicit SigningChoices(QObject* parent = nullptr);

    // Where to look; the cards are read by refresh() only, when the doctor is about to sign
    // (loading a module can take a moment, and a card may be inserted at any time).
    void setBundlePath(const QString& path);
    // The PKCS#11 module (.so); empty: no card is looked for.
    void setPkcs11Module(const QString& path);
    QString pkcs11Module() const { return m_module; }
    // The module a workstation uses when none is configured: $TC_PKCS11_MODULE, else p11-kit's
    // proxy (every module registered with p11-kit, smart-card middleware included), if present.
    static QString defaultPkcs11Module();

    // Reads the tokens again (a card inserted since); the GUI calls it when the prompt opens.
    Q_INVOKABLE void refresh();

    QVariantList choices() const { return m_choices; }
    QString tokenStatus() const { return m_tokenStatus; }

    // Opens the identity behind `key` ("file", or a card's URI) with `secret`, when called: a
    // job holding copies of what it needs, so that it can run on a worker thread (a card takes
    // its time). Errors: SignatureErrc (wrongPassphrase, pkcs11LoginFailed,
    // pkcs11TokenNotFound for a card taken out, ...), no_such_file_or_directory for an
    // unreadable identity file.
    std::function<boost::system::result<prescriptions::SigningIdentity>()>
    opener(const QString& key, const QString& secret) const;
    // An opening or signing error in the doctor's words.
    static QString errorText(const boost::system::error_code& error);

signals:
    void changed();

private:
    QString m_bundlePath;
    QString m_module;
    QVariantList m_choices;
    QString m_tokenStatus;
};

} // namespace tc::app
