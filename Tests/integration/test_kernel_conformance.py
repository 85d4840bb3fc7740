"""jupyter_kernel_test against the installed `tabby` kernelspec, every sample filled in:
all 13 test methods run (none may skip), including history tail, range and search."""
import jupyter_kernel_test as jkt


class TabbyKernelTests(jkt.KernelTests):
    kernel_name = "tabby"
    language_name = "tabby"
    file_extension = ".tabby"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'print("oops", file=stderr)'
    completion_samples = [{"text": "pri", "matches": {"print"}}]
    complete_code_samples = ['print("a")', "1+2", "x = 1"]
    incomplete_code_samples = ['print("a",']
    invalid_code_samples = ['print("a"))']
    code_page_something = "print?"
    code_generate_error = "1/0"
    code_execute_result = [
        {"code": "1+2", "result": "3"},
        {"code": '"a" + "b"', "result": "'ab'"},
    ]
    code_display_data = [
        {"code": "display(1)", "mime": "text/plain"},
        {"code": 'display(html("<b>hi</b>"))', "mime": "text/html"},
    ]
    code_history_pattern = "1+2"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "print"
    code_clear_output = "clear_output()"


class TabbyIopubWelcomeTests(jkt.IopubWelcomeTests):
    kernel_name = "tabby"
    support_iopub_welcome = True
