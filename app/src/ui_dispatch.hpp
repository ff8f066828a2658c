#pragma once
// The one way into the UI thread: a functor queued to a QObject's thread. If the object is
// destroyed first, Qt drops the call (its posted events die with it).

#include <QMetaObject>
#include <QObject>
#include <utility>

namespace tc::app {

template <class Functor> void postToUi(QObject* context, Functor&& functor) {
    QMetaObject::invokeMethod(context, std::forward<Functor>(functor), Qt::QueuedConnection);
}

} // namespace tc::app
