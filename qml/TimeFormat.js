.pragma library

// "04:05" below an hour, "1 h 04" above: a waiting time read at a glance.
function waiting(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var r = s % 60;
    if (h > 0)
        return h + " h " + (m < 10 ? "0" : "") + m;
    return (m < 10 ? "0" : "") + m + ":" + (r < 10 ? "0" : "") + r;
}
