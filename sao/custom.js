/* The insurer's additions to the sao web client.
 *
 * sao's index.html loads custom.js (and custom.css) from its own folder once
 * sao is loaded. scripts/lib.sh (ensure_sao) and docker/Dockerfile install
 * this file there, after moment-timezone's code and zone data.
 */
(function() {
    'use strict';

    // Staff see Beijing time whatever the time zone of their browser. sao
    // stores datetimes in UTC and shows them with moment's local(), that is
    // in the browser's zone: here local() means Asia/Shanghai, and moments
    // built from typed values (moment(), moment(text, format)) are read in
    // Asia/Shanghai too (moment-timezone's default zone).
    var ZONE = 'Asia/Shanghai';
    moment.tz.setDefault(ZONE);
    moment.fn.local = function(keepLocalTime) {
        return this.tz(ZONE, keepLocalTime);
    };
}());
