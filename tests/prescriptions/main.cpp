// Catch2 runner with a QGuiApplication: the signing tests render PDFs through QPdfWriter, which
// needs fonts. Offscreen unless the environment asks for another platform.
#define CATCH_CONFIG_RUNNER
#include <QGuiApplication>
#include <catch2/catch.hpp>

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    int qtArgc = 1;
    QGuiApplication app(qtArgc, argv);
    return Catch::Session().run(argc, argv);
}
