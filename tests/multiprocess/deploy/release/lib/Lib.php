<?php
function lib_version(): string { return '@V@'; }
