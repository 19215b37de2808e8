# Unit tests of the console's HTML writer, widgets and status vocabulary (src/web).
aicos_unit_test(test_html test_html.c)
aicos_unit_test(test_widget test_widget.c)
aicos_unit_test(test_msg test_msg.c)
