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

    // Times to the second: trytond gives timestamps the format %H:%M:%S.%f
    // (microseconds); staff read them, in forms and lists, without fraction.
    var time_format = Sao.field.DateTime.prototype.time_format;
    Sao.field.DateTime.prototype.time_format = function(record) {
        return (time_format.call(this, record) || '%H:%M:%S').replace(
            /\.%f$/, '');
    };

    // sao 8.0 lists have no column for timestamp and datetime fields (the
    // list stays blank: "ColumnFactory is not a constructor"): they show
    // the date and time, in Beijing time as every moment here.
    Sao.View.Tree.DateTimeColumn = Sao.class_(Sao.View.Tree.CharColumn, {
        class_: 'column-datetime',
        get_textual_value: function(record) {
            return Sao.common.format_datetime(
                this.field.date_format(record) + ' ' +
                this.field.time_format(record),
                this.field.get_client(record));
        }
    });
    var WIDGETS = Sao.View.TreeXMLViewParser.WIDGETS;
    WIDGETS.timestamp = WIDGETS.datetime = Sao.View.Tree.DateTimeColumn;
    // as wide as "2026-12-01 16:04:56" unless the view says otherwise
    var set_column_width = Sao.View.Tree.prototype._set_column_width;
    Sao.View.Tree.prototype._set_column_width = function(column) {
        var attributes = column.attributes;
        if (WIDGETS[attributes.widget] === Sao.View.Tree.DateTimeColumn &&
                !attributes.width) {
            attributes.width = 150;
        }
        return set_column_width.call(this, column);
    };

    // A selection of a form rebuilds its options at each display and puts
    // the record's value back a promise later: a button pressed meanwhile
    // (a claim's 拒赔 right after typing the explanation) read no option
    // chosen and wrote the choice away. The options keep the choice shown.
    var Selection = Sao.View.Form.Selection.prototype;
    var set_selection = Selection.set_selection;
    Selection.set_selection = function(selection, help) {
        var chosen = this.select.val();
        set_selection.call(this, selection, help);
        this.select.val(chosen);
    };
}());
